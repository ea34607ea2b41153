package io.sslstream.eval;

/**
 * A checkpoint that cannot be evaluated, for a reason that will not go away by retrying (not found, checksum,
 * unreadable archive, unknown architecture, shape mismatch): recorded as a {@code failed} evaluation with
 * {@link #getMessage()} as its failure reason.
 */
public final class EvaluationFailure extends RuntimeException {

    public EvaluationFailure(String reason) {
        super(reason);
    }

    public EvaluationFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
