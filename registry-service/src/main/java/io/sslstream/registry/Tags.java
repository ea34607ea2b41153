package io.sslstream.registry;

import java.util.Map;
import java.util.regex.Pattern;

/** Validation of version tags: bounded keys of a safe alphabet, bounded printable values. */
public final class Tags {

    /** Letters, digits, dot, underscore, dash and colon; 1 to 64 characters, starting with a letter or digit. */
    public static final String KEY_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,63}";
    public static final int MAX_VALUE_LENGTH = 256;
    /** Tags one version may carry. */
    public static final int MAX_TAGS = 64;
    private static final Pattern KEY = Pattern.compile(KEY_PATTERN);

    private Tags() {
    }

    public static boolean isValidKey(String key) {
        return key != null && KEY.matcher(key).matches() && !key.contains("..");
    }

    /** At most {@value #MAX_VALUE_LENGTH} characters, none of them a control character. */
    public static boolean isValidValue(String value) {
        return value != null && value.length() <= MAX_VALUE_LENGTH && value.codePoints().noneMatch(Character::isISOControl);
    }

    public static String requireKey(String key) {
        if (!isValidKey(key)) {
            throw Refusal.invalid("invalid-tag", "Invalid tag",
                    "tag key must match " + KEY_PATTERN + " and contain no '..', got: " + quote(key));
        }
        return key;
    }

    public static String requireValue(String key, String value) {
        if (!isValidValue(value)) {
            throw Refusal.invalid("invalid-tag", "Invalid tag",
                    "value of tag " + key + " must be at most " + MAX_VALUE_LENGTH
                            + " characters without control characters, got: " + quote(value));
        }
        return value;
    }

    /** Validates every entry of a version's tags. */
    public static Map<String, String> require(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw Refusal.invalid("invalid-tag", "Invalid tag",
                    "a version carries at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        tags.forEach((k, v) -> requireValue(requireKey(k), v));
        return tags;
    }

    /** A filter {@code key} or {@code key=value} of a version search. */
    public record Filter(String key, String value) {

        public static Filter parse(String s) {
            int eq = s.indexOf('=');
            if (eq < 0) {
                return new Filter(requireKey(s), null);
            }
            String key = requireKey(s.substring(0, eq));
            return new Filter(key, requireValue(key, s.substring(eq + 1)));
        }
    }

    /** A value for an error message: quoted, cut to a readable length. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "'" + (s.length() > 140 ? s.substring(0, 140) + "..." : s) + "'";
    }
}
