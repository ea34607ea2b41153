package io.sslstream.contracts.codec;

/**
 * A binary record could not be decoded. The message names the record type and the field, so that a
 * dead-letter entry tells an operator exactly what was wrong.
 */
public final class CodecException extends IllegalArgumentException {

    private final String field;
    private final String reason;

    public CodecException(String record, String field, String reason, String detail) {
        super(record + ": " + reason + " at field '" + field + "': " + detail);
        this.field = field;
        this.reason = reason;
    }

    /** The field being read when decoding failed, e.g. {@code views[1].pixels}. */
    public String field() {
        return field;
    }

    /** A short machine-readable reason, e.g. {@code truncated}, {@code bad-magic}, {@code bad-version}. */
    public String reason() {
        return reason;
    }
}
