package io.sslstream.eval.champion;

import io.quarkus.logging.Log;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.eval.EvalMetrics;
import io.sslstream.eval.RegistryGateway;
import io.sslstream.eval.StoppingException;
import io.sslstream.eval.config.EvalConfig;
import io.sslstream.eval.protocol.ProtocolSpec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Applies {@link ChampionRule} after an evaluation is stored and published: reads this evaluator's alias
 * ({@code ssl.eval.champion.alias}, {@code champion} by default; and, when its answer carries no comparable evaluation,
 * the champion version itself, in case the alias answer is older than its evaluation), and moves the alias when the
 * rule says so. Idempotent: an evaluation considered
 * again after a restart finds the alias where it left it.
 *
 * <p>The alias is decided on this evaluator's dataset alone: an evaluator on another dataset moves an alias of its own,
 * and the registry offers no compare-and-set on aliases, so run one evaluator per model and alias
 * ({@code ssl.eval.champion.enabled=false} on the others).
 */
@ApplicationScoped
public class ChampionService {

    /** The registry's rule for aliases a client may set ({@code latest} is its own); checked at start-up by {@code Evaluator}. */
    public static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private final EvalConfig config;
    private final RegistryGateway registry;
    private final EvalMetrics metrics;

    ChampionService(EvalConfig config, RegistryGateway registry, EvalMetrics metrics) {
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * Considers a stored evaluation for champion.
     *
     * @return the decision, or empty when champion moves are off, the evaluation failed, or the registry refused a
     *     call (logged)
     * @throws StoppingException when the process shuts down while waiting for an unavailable registry
     */
    public Optional<ChampionRule.Decision> consider(EvaluationCompleted done) {
        if (!config.champion().enabled() || !EvaluationCompleted.SUCCEEDED.equals(done.status())) {
            return Optional.empty();
        }
        String protocol = ProtocolSpec.parse(config.champion().protocol()).name();
        String model = done.modelName();
        String alias = config.champion().alias();
        try {
            Optional<ModelVersion> current = registry.alias(model, alias);
            if (current.isPresent() && current.get().version() != done.version()
                    && ChampionRule.comparable(current.get(), done.dataset(), protocol).isEmpty()) {
                current = reRead(model, current.get().version());
            }
            ChampionRule.Decision d = ChampionRule.decide(done, current, protocol, config.champion().margin());
            if (d.move()) {
                registry.setAlias(model, alias, done.version());
                metrics.champion(model, done.version(), protocol, d.accuracy(), true);
                Log.infof("%s of %s moved from %s to v%d: %s", alias, model, d.previousVersion() == null ? "none"
                        : "v" + d.previousVersion(), done.version(), d.reason());
            } else {
                if (d.previousVersion() != null) {
                    metrics.champion(model, d.previousVersion(), protocol,
                            d.previousAccuracy() == null ? Double.NaN : d.previousAccuracy(), false);
                }
                Log.infof("%s of %s stays v%s: v%d %s", alias, model, d.previousVersion(), done.version(), d.reason());
            }
            return Optional.of(d);
        } catch (RegistryException e) {
            Log.warnf("cannot consider %s v%d for champion: the registry refused (%d): %s", model, done.version(), e.status(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The champion version with its evaluations; empty when it no longer exists. */
    private Optional<ModelVersion> reRead(String model, int version) {
        try {
            return Optional.of(registry.getVersion(model, version));
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
