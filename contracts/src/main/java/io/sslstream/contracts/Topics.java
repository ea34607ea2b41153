package io.sslstream.contracts;

/**
 * Kafka topic names and record headers shared by every service. Tests use these constants too.
 *
 * <p>See {@code docs/architecture.md} for keys, payloads and rates of each topic.
 */
public final class Topics {

    /** Unlabeled samples, key = sample id, value = binary {@link io.sslstream.contracts.codec.RawSample}. */
    public static final String SAMPLES_RAW = "ssl.samples.raw";

    /** Rejected records, key = sample id, value = the rejected bytes, reason and stage in headers. */
    public static final String SAMPLES_DLQ = "ssl.samples.dlq";

    /** Prefix of the per-recipe view topics, value = binary {@link io.sslstream.contracts.codec.ViewSet}. */
    public static final String VIEWS_PREFIX = "ssl.views.";

    /** New registry versions, key = model name, value = JSON {@link io.sslstream.contracts.events.CheckpointPublished}. */
    public static final String CHECKPOINTS = "ssl.checkpoints";

    /**
     * Checkpoint events the evaluator gave up (malformed, registry unreachable, an error of its own), key = model name,
     * value = the event as it came, reason and stage in headers.
     */
    public static final String CHECKPOINTS_DLQ = "ssl.checkpoints.dlq";

    /** Evaluation results, key = model name, value = JSON {@link io.sslstream.contracts.events.EvaluationCompleted}. */
    public static final String EVALUATIONS = "ssl.evaluations";

    /**
     * Pseudo-gradients of replicated trainer runs (DiLoCo), one partition, key = run id; the trainer's own
     * ({@code io.sslstream.trainer.sync.SyncRecord} is its format).
     */
    public static final String TRAINER_SYNC = "ssl.trainer.sync";

    /** Header on a DLQ record: a short machine-readable reason, e.g. {@code decode.truncated}. */
    public static final String HEADER_DLQ_REASON = "ssl-dlq-reason";
    /** Header on a DLQ record: the stage that rejected it, e.g. {@code augmenter.decode}. */
    public static final String HEADER_DLQ_STAGE = "ssl-dlq-stage";
    /** Header on a DLQ record: the human-readable error message. */
    public static final String HEADER_DLQ_MESSAGE = "ssl-dlq-message";
    /** Header on a DLQ record: topic, partition and offset of the rejected record ({@code topic/partition/offset}). */
    public static final String HEADER_DLQ_SOURCE = "ssl-dlq-source";

    /**
     * Header on a view-set record: the dataset of the raw sample it was made from ({@code RawSample.dataset}), so that
     * a checkpoint can say which data it was trained on.
     */
    public static final String HEADER_DATASET = "ssl-dataset";

    private Topics() {
    }

    /** The view topic of a recipe, e.g. {@code ssl.views.simclr}. */
    public static String views(String recipe) {
        if (recipe == null || !recipe.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new IllegalArgumentException("recipe name must match [a-z0-9][a-z0-9_-]{0,63}, got: " + recipe);
        }
        return VIEWS_PREFIX + recipe;
    }
}
