package io.sslstream.registry;

/**
 * An operation the registry refuses, in its own terms: what kind of refusal, a short code naming the rule (e.g.
 * {@code invalid-model-name}), a title shared by every refusal with that code, and a message naming the offending
 * value. Thrown by the domain ({@link CheckpointRegistry} and its validators); {@code rest/} alone turns them into
 * HTTP answers.
 */
public final class Refusal extends RuntimeException {

    /** What kind of refusal. */
    public enum Kind {
        /** The input itself is wrong: a name, a digest, a parameter or a body that breaks its rule. */
        INVALID,
        /** What the operation addresses (a blob, a version, an alias, a tag) does not exist. */
        NOT_FOUND,
        /** The operation contradicts what the registry holds (an event id already stored with another version). */
        CONFLICT,
        /**
         * A well-formed input the registry cannot act on given what it holds: it refers to something that does not
         * exist, does not match what it refers to, or would exceed a limit of what it changes.
         */
        UNACCEPTABLE,
        /** An upload larger than the registry takes. */
        TOO_LARGE,
        /** The registry could not do it now (every attempt lost a race); the same request later can succeed. */
        BUSY
    }

    private final Kind kind;
    private final String code;
    private final String title;

    public Refusal(Kind kind, String code, String title, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.title = title;
    }

    public static Refusal invalid(String code, String title, String message) {
        return new Refusal(Kind.INVALID, code, title, message);
    }

    public static Refusal notFound(String code, String title, String message) {
        return new Refusal(Kind.NOT_FOUND, code, title, message);
    }

    public static Refusal unacceptable(String code, String title, String message) {
        return new Refusal(Kind.UNACCEPTABLE, code, title, message);
    }

    public Kind kind() {
        return kind;
    }

    /** Short, stable, machine-readable: it names the rule, e.g. {@code version-not-found}. */
    public String code() {
        return code;
    }

    /** The same for every refusal with this code, e.g. {@code Version not found}. */
    public String title() {
        return title;
    }
}
