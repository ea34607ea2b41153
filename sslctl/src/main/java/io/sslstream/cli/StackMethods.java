package io.sslstream.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The methods {@code ./stack --method} can train and the augmenter recipe each one reads: the trainer's own defaults
 * ({@code MethodDefinition.defaultRecipe()} in trainer-service), which this command line does not link against;
 * {@code StackMethodsTest} checks that the two lists agree.
 */
final class StackMethods {

    /** What {@code ./stack} trains when {@code --method} is not given. */
    static final String DEFAULT = "simclr";

    /** Method name to recipe, in the trainer's order. */
    static final Map<String, String> RECIPES;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("simclr", "simclr");
        m.put("moco", "simclr");
        m.put("byol", "byol");
        m.put("simsiam", "simclr");
        m.put("barlow-twins", "byol");
        m.put("vicreg", "byol");
        m.put("mae", "mae");
        RECIPES = java.util.Collections.unmodifiableMap(m);
    }

    private StackMethods() {
    }

    /** The recipe of a method; an {@link IllegalArgumentException} naming the known methods otherwise. */
    static String recipe(String method) {
        String r = RECIPES.get(method);
        if (r == null) {
            throw new IllegalArgumentException("unknown method '" + method + "' (known: " + String.join(", ", RECIPES.keySet()) + ")");
        }
        return r;
    }
}
