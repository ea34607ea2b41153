package io.sslstream.registry;

import java.util.regex.Pattern;

/** Alias names: {@value #LATEST}, which moves by itself, and names the API sets ({@code champion}, ...). */
public final class Aliases {

    /** Always the model's newest version; not stored, cannot be set or removed. */
    public static final String LATEST = "latest";

    /** Lower-case letters, digits, dot, underscore and dash; 1 to 64 characters, starting with a letter. */
    public static final String PATTERN = "[a-z][a-z0-9._-]{0,63}";
    private static final Pattern VALID = Pattern.compile(PATTERN);

    private Aliases() {
    }

    public static boolean isValid(String alias) {
        return alias != null && VALID.matcher(alias).matches() && !alias.contains("..");
    }

    /** Returns {@code alias}, or refuses it ({@link Refusal.Kind#INVALID}) naming the rule it breaks. */
    public static String require(String alias) {
        if (!isValid(alias)) {
            throw Refusal.invalid("invalid-alias", "Invalid alias",
                    "alias must match " + PATTERN + " and contain no '..', got: " + Tags.quote(alias));
        }
        return alias;
    }

    /** As {@link #require}, and refuses {@value #LATEST}, which only the registry moves. */
    public static String requireSettable(String alias) {
        require(alias);
        if (LATEST.equals(alias)) {
            throw Refusal.invalid("alias-reserved", "Reserved alias",
                    "'latest' always names the newest version and cannot be set or removed");
        }
        return alias;
    }
}
