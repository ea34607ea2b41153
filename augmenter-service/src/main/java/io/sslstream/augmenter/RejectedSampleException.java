package io.sslstream.augmenter;

/**
 * A sample that cannot be augmented, with what the dead-letter record needs: a short machine reason
 * ({@code decode.truncated}, {@code image.too-large}, ...) and the stage that rejected it.
 *
 * <p>Bad input is expected traffic, not a bug: no stack trace is captured, so a flood of it stays cheap.
 */
public final class RejectedSampleException extends Exception {

    /** Stage of the wire record and image decoding. */
    public static final String STAGE_DECODE = "augmenter.decode";
    /** Stage of the recipes. */
    public static final String STAGE_AUGMENT = "augmenter.augment";
    /** Stage of publishing the results. */
    public static final String STAGE_PUBLISH = "augmenter.publish";

    private final String reason;
    private final String stage;

    public RejectedSampleException(String reason, String stage, String message) {
        this(reason, stage, message, null);
    }

    public RejectedSampleException(String reason, String stage, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
        this.stage = stage;
    }

    /** Short machine-readable reason, {@code <area>.<what>}, e.g. {@code image.too-large}. */
    public String reason() {
        return reason;
    }

    /** The stage that rejected the sample, e.g. {@value #STAGE_DECODE}. */
    public String stage() {
        return stage;
    }
}
