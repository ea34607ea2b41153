package io.sslstream.registry.store;

/** The metadata database failed; the message names the operation. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
