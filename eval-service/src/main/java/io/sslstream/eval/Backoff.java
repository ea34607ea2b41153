package io.sslstream.eval;

import java.time.Duration;

/** Capped exponential back-off: {@code initial}, doubled after each wait, never above {@code max}. Not thread-safe. */
final class Backoff {

    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial back-off must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the maximum back-off " + max + " is below the initial one " + initial);
        }
        this.max = max;
        this.next = initial;
    }

    /** The wait to do now; the following one is twice as long, up to the maximum. */
    Duration next() {
        Duration now = next;
        next = now.compareTo(max.dividedBy(2)) > 0 ? max : now.multipliedBy(2);
        return now;
    }
}
