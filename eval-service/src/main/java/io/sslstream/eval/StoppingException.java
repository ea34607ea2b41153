package io.sslstream.eval;

/**
 * The process is shutting down while an event waited for a dependency: the wait ends, and the event is left
 * unacknowledged (not committed, not dead-lettered), so that the next process in the group reads it again.
 */
public final class StoppingException extends RuntimeException {

    public StoppingException(String message) {
        super(message);
    }
}
