package io.sslstream.eval;

/**
 * What the evaluator needs besides the checkpoint and its own code, and waits for when it is unavailable (see
 * {@link DependencyRetry}). {@link #label()} is the value of the {@code dependency} tag of the wait metrics and
 * of the status's {@code waiting.dependency}.
 */
public enum Dependency {

    /** The registry: unreachable, timing out, or answering 5xx or 429. */
    REGISTRY("registry"),
    /** The Kafka broker: refusing or timing out the publish of {@code ssl.evaluations}, or the read of it. */
    KAFKA("kafka"),
    /** The local directory the weights are downloaded to: cannot be created (full disk, permissions). */
    WORK_DIRECTORY("work-directory");

    private final String label;

    Dependency(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
