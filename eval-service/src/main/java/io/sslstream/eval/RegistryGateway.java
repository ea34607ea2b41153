package io.sslstream.eval;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.eval.config.EvalConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The registry as the evaluator uses it: {@link RegistryClient} calls made through {@link DependencyRetry}, so that a
 * registry that is unreachable, times out or answers 5xx or 429 is waited for, as long as it takes, and the call
 * returns once it answers. Any other answer (404, another 4xx) is the caller's {@link RegistryException} to classify;
 * a shutdown during a wait is a {@link StoppingException}.
 */
@ApplicationScoped
public class RegistryGateway {

    private final RegistryClient client;
    private final DependencyRetry retry;

    RegistryGateway(EvalConfig config, DependencyRetry retry) {
        this.client = new RegistryClient(config.registryUrl(), config.registryToken().orElse(null), config.registryTimeout());
        this.retry = retry;
    }

    public String url() {
        return client.baseUrl().toString();
    }

    public ModelVersion getVersion(String model, int version) {
        return call("GET " + model + " v" + version, () -> client.getVersion(model, version));
    }

    public void downloadWeights(String model, int version, Path target) {
        call("download of " + model + " v" + version, () -> {
            client.downloadWeights(model, version, target);
            return null;
        });
    }

    /** The version an alias points to, or empty when the alias is not set. */
    public Optional<ModelVersion> alias(String model, String alias) {
        return call("GET alias " + alias + " of " + model, () -> client.alias(model, alias));
    }

    /** Points an alias at a version. */
    public ModelVersion setAlias(String model, String alias, int version) {
        return call("PUT alias " + alias + " of " + model + " to v" + version, () -> client.setAlias(model, alias, version));
    }

    /** Posts an evaluation; the registry stores an event id once, so a retry after a lost response is harmless. */
    public void addEvaluation(EvaluationCompleted evaluation) {
        call("POST evaluation of " + evaluation.modelName() + " v" + evaluation.version(), () -> {
            client.addEvaluation(evaluation.modelName(), evaluation.version(), evaluation);
            return null;
        });
    }

    private <T> T call(String what, Supplier<T> call) {
        return retry.call(what, attempt -> {
            try {
                return call.get();
            } catch (RegistryException e) {
                if (e.isTransient()) {
                    // unreachable (status 0, also when interrupted by a shutdown), 5xx, 429
                    throw new DependencyUnavailableException(Dependency.REGISTRY, e.getMessage(), e);
                }
                throw e;
            }
        });
    }
}
