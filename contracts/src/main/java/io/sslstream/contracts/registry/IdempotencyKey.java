package io.sslstream.contracts.registry;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The idempotency key of a version creation, sent as the {@value #HEADER} request header of
 * {@code POST /api/v1/models/{name}/versions} (the header of the IETF httpapi draft
 * "The Idempotency-Key HTTP Header Field"). The registry keeps the key with the version it created: a retry with the
 * same key and the same content (weights digest and manifest) gets that version back (200) instead of a new one; the
 * same key with other content is refused (422 {@code idempotency-key-reused}). Keys are scoped to one model.
 *
 * <p>A key is 1 to {@value #MAX_LENGTH} visible ASCII characters ({@code !} to {@code ~}: no spaces, no control or
 * non-ASCII characters). On the wire it is a structured-field string ({@code "key"}, with {@code \"} and
 * {@code \\} escaped) as the draft defines it; the registry also takes the bare key, for hand-written requests.
 */
public final class IdempotencyKey {

    /** The request header. */
    public static final String HEADER = "Idempotency-Key";
    /** The longest key the registry stores. */
    public static final int MAX_LENGTH = 255;
    /** Run ids longer than this (once percent-encoded) are replaced by their digest in a checkpoint key. */
    static final int MAX_RUN_ID_CHARS = 160;

    private IdempotencyKey() {
    }

    /** True for 1 to {@value #MAX_LENGTH} characters, each visible ASCII ({@code 0x21} to {@code 0x7e}). */
    public static boolean isValid(String key) {
        return key != null && !key.isEmpty() && key.length() <= MAX_LENGTH
                && key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e);
    }

    /**
     * The key of one checkpoint of a training run: {@code <run id>:<step>:<sha256>}, e.g.
     * {@code local:60:9f86d0...}. A retried upload of the same archive (the same run, step and bytes) gets the same
     * key whoever retries it and however often; a different archive at the same step gets another key. Characters of
     * the run id other than letters, digits and {@code . _ ~ -} are percent-encoded (UTF-8), and a run id longer
     * than {@value #MAX_RUN_ID_CHARS} characters once encoded is replaced by {@code sha256-<its digest>}, so the key
     * is always {@linkplain #isValid valid}.
     *
     * @param runId          the manifest's run id
     * @param step           the manifest's step
     * @param archiveSha256  SHA-256 of the checkpoint archive (the weights blob), lower-case hex
     */
    public static String forCheckpoint(String runId, long step, String archiveSha256) {
        Objects.requireNonNull(runId, "runId");
        if (!Sha256.isValid(archiveSha256)) {
            throw new IllegalArgumentException("archiveSha256 must be 64 lower-case hex characters, got: " + archiveSha256);
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        String run = percentEncode(runId);
        if (run.isEmpty() || run.length() > MAX_RUN_ID_CHARS) {
            run = "sha256-" + Sha256.of(runId.getBytes(StandardCharsets.UTF_8));
        }
        return run + ":" + step + ":" + archiveSha256;
    }

    /** The header value for {@code key}: a structured-field string. */
    public static String toHeaderValue(String key) {
        if (!isValid(key)) {
            throw new IllegalArgumentException("not a valid idempotency key (1 to " + MAX_LENGTH
                    + " visible ASCII characters): " + key);
        }
        return '"' + key.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * The key a header value carries: the content of a structured-field string ({@code "..."}, unescaped), or the
     * value itself if it is not quoted. The result is not validated (see {@link #isValid}).
     *
     * @throws IllegalArgumentException for a quoted value that is not a well-formed string (no closing quote, or a
     *                                  backslash before anything but {@code "} and {@code \})
     */
    public static String fromHeaderValue(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.strip();
        if (v.isEmpty() || v.charAt(0) != '"') {
            return v;
        }
        StringBuilder key = new StringBuilder(v.length());
        for (int i = 1; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '\\') {
                if (i + 1 >= v.length() || (v.charAt(i + 1) != '"' && v.charAt(i + 1) != '\\')) {
                    throw new IllegalArgumentException("a backslash in a quoted " + HEADER
                            + " may only escape \" or \\, at character " + i);
                }
                key.append(v.charAt(++i));
            } else if (ch == '"') {
                if (i != v.length() - 1) {
                    throw new IllegalArgumentException("characters after the closing quote of " + HEADER
                            + " at character " + (i + 1));
                }
                return key.toString();
            } else {
                key.append(ch);
            }
        }
        throw new IllegalArgumentException(HEADER + " opens a quoted string and does not close it");
    }

    private static String percentEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '~' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
