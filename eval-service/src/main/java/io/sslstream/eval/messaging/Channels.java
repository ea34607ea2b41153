package io.sslstream.eval.messaging;

/** Channel names of the evaluator, shared with {@code application.properties} and the tests. */
public final class Channels {

    /** Incoming: {@code ssl.checkpoints}, key = model name, value = JSON {@code CheckpointPublished}. */
    public static final String CHECKPOINTS = "checkpoints";
    /** Outgoing: {@code ssl.evaluations}, key = model name, value = JSON {@code EvaluationCompleted}. */
    public static final String EVALUATIONS = "evaluations";
    /** Identifier of the checkpoint consumer's rebalance listener. */
    public static final String CHECKPOINTS_REBALANCE = "eval-checkpoints-rebalance";
    /** DLQ stage header of records the evaluator gives up (to {@code ssl.checkpoints.dlq}). */
    public static final String DLQ_STAGE = "eval.consume";
    /** DLQ reason: the record is not a {@code CheckpointPublished} event. */
    public static final String DLQ_MALFORMED = "malformed-event";
    /**
     * DLQ reason: handling the event failed with an exception nobody classified, i.e. a bug in the evaluator;
     * calling it again would fail again and hold up every later event.
     */
    public static final String DLQ_INTERNAL_ERROR = "internal-error";

    private Channels() {
    }
}
