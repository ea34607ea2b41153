package io.sslstream.contracts.registry;

/** The registry answered with an error status; {@link #getMessage()} carries its problem detail. */
public final class RegistryException extends RuntimeException {

    private final int status;

    public RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** HTTP status, or 0 when the registry could not be reached. */
    public int status() {
        return status;
    }

    /** True for errors worth retrying: unreachable, 5xx, 429. */
    public boolean isTransient() {
        return status == 0 || status >= 500 || status == 429;
    }
}
