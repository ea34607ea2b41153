package io.sslstream.eval;

import io.quarkus.logging.Log;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.eval.config.EvalConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The registry as the evaluator uses it: {@link RegistryClient} calls retried with exponential backoff while the
 * registry fails transiently. A transient failure that outlasts the retries is a {@link RegistryUnavailableException};
 * anything else (404, 4xx) is the caller's {@link RegistryException} to classify.
 */
@ApplicationScoped
public class RegistryGateway {

    private final EvalConfig config;
    private final RegistryClient client;

    RegistryGateway(EvalConfig config) {
        this.config = config;
        if (config.registryAttempts() < 1) {
            throw new IllegalArgumentException("ssl.eval.registry-attempts must be >= 1, got " + config.registryAttempts());
        }
        this.client = new RegistryClient(config.registryUrl(), config.registryToken().orElse(null), config.registryTimeout());
    }

    public String url() {
        return client.baseUrl().toString();
    }

    public ModelVersion getVersion(String model, int version) {
        return retrying("GET " + model + " v" + version, () -> client.getVersion(model, version));
    }

    public void downloadWeights(String model, int version, Path target) {
        retrying("download of " + model + " v" + version, () -> {
            client.downloadWeights(model, version, target);
            return null;
        });
    }

    /** The version an alias points to, or empty when the alias is not set. */
    public Optional<ModelVersion> alias(String model, String alias) {
        return retrying("GET alias " + alias + " of " + model, () -> client.alias(model, alias));
    }

    /** Points an alias at a version. */
    public ModelVersion setAlias(String model, String alias, int version) {
        return retrying("PUT alias " + alias + " of " + model + " to v" + version, () -> client.setAlias(model, alias, version));
    }

    /** Posts an evaluation; the registry stores an event id once, so a retry after a lost response is harmless. */
    public void addEvaluation(EvaluationCompleted evaluation) {
        retrying("POST evaluation of " + evaluation.modelName() + " v" + evaluation.version(), () -> {
            client.addEvaluation(evaluation.modelName(), evaluation.version(), evaluation);
            return null;
        });
    }

    private <T> T retrying(String what, Supplier<T> call) {
        int attempts = config.registryAttempts();
        Duration wait = config.registryBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RegistryException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                if (attempt >= attempts) {
                    throw new RegistryUnavailableException(what, attempts, e);
                }
                Log.warnf("%s failed (%s), attempt %d of %d, retrying in %d ms", what, e.getMessage(), attempt, attempts,
                        wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException(what + " (interrupted)", attempt, e);
                }
                wait = wait.multipliedBy(2);
            }
        }
    }
}
