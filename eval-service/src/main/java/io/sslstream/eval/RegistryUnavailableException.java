package io.sslstream.eval;

import io.sslstream.contracts.registry.RegistryException;

/** The registry kept failing transiently (unreachable, 5xx, 429) through every retry: the event is given up. */
public final class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String what, int attempts, RegistryException last) {
        super(what + " failed " + attempts + " times, last: " + last.getMessage(), last);
    }
}
