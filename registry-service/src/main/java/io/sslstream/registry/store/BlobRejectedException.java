package io.sslstream.registry.store;

/** An upload the blob store refused; nothing of it is left on disk. */
public final class BlobRejectedException extends RuntimeException {

    /** Why, as a short slug: {@link #DIGEST_MISMATCH} or {@link #TOO_LARGE}. */
    private final String reason;

    public static final String DIGEST_MISMATCH = "digest-mismatch";
    public static final String TOO_LARGE = "too-large";

    public BlobRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
