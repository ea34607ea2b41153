package io.sslstream.registry;

import java.util.regex.Pattern;

/** Validation of model names as they appear in paths, topics keys and metric tags. */
public final class ModelNames {

    /** Lower-case letters, digits, dot, underscore and dash; 1 to 128 characters, starting with a letter or digit. */
    public static final String PATTERN = "[a-z0-9][a-z0-9._-]{0,127}";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private ModelNames() {
    }

    public static boolean isValid(String name) {
        // ".." is refused too: names are not file names today, but nothing should ever resolve one as a path
        return name != null && VALID.matcher(name).matches() && !name.contains("..");
    }

    /** Returns {@code name}, or refuses it ({@link Refusal.Kind#INVALID}) naming the rule it breaks. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw Refusal.invalid("invalid-model-name", "Invalid model name",
                    "model name must match " + PATTERN + " and contain no '..', got: " + quote(name));
        }
        return name;
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "'" + (s.length() > 140 ? s.substring(0, 140) + "..." : s) + "'";
    }
}
