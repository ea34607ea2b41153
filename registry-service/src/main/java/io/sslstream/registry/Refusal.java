package io.sslstream.registry;

/**
 * An operation the registry refuses, in its own terms: what kind of refusal (the subclass), a short code naming the
 * rule (e.g. {@code invalid-model-name}), a title shared by every refusal with that code, and a message naming the
 * offending value. Thrown by the domain ({@link CheckpointRegistry} and its validators); {@code rest/} alone turns
 * them into HTTP answers.
 */
public abstract sealed class Refusal extends RuntimeException {

    private final String code;
    private final String title;

    private Refusal(String code, String title, String message) {
        super(message);
        this.code = code;
        this.title = title;
    }

    /** Short, stable, machine-readable: it names the rule, e.g. {@code version-not-found}. */
    public String code() {
        return code;
    }

    /** The same for every refusal with this code, e.g. {@code Version not found}. */
    public String title() {
        return title;
    }

    /** The input itself is wrong: a name, a digest, a parameter or a body that breaks its rule. */
    public static final class Invalid extends Refusal {
        public Invalid(String code, String title, String message) {
            super(code, title, message);
        }
    }

    /** What the operation addresses (a blob, a version, an alias, a tag) does not exist. */
    public static final class NotFound extends Refusal {
        public NotFound(String code, String title, String message) {
            super(code, title, message);
        }
    }

    /** The operation contradicts what the registry holds (an event id already stored with another version). */
    public static final class Conflict extends Refusal {
        public Conflict(String code, String title, String message) {
            super(code, title, message);
        }
    }

    /**
     * A well-formed input the registry cannot act on given what it holds: it refers to something that does not
     * exist, does not match what it refers to, or would exceed a limit of what it changes.
     */
    public static final class Unacceptable extends Refusal {
        public Unacceptable(String code, String title, String message) {
            super(code, title, message);
        }
    }

    /** An upload larger than the registry takes. */
    public static final class TooLarge extends Refusal {
        public TooLarge(String code, String title, String message) {
            super(code, title, message);
        }
    }

    /** The registry could not do it now (every attempt lost a race); the same request later can succeed. */
    public static final class Busy extends Refusal {
        public Busy(String code, String title, String message) {
            super(code, title, message);
        }
    }
}
