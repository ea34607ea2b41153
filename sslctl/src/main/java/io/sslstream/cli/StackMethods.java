package io.sslstream.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The methods {@code ./stack --method} can train and the augmenter recipe each one reads: the trainer's own defaults
 * ({@code MethodDefinition.defaultRecipe()} in trainer-service), which this command line does not link against;
 * {@code StackMethodsTest} checks that the two lists agree.
 */
final class StackMethods {

    /** What the trainer service runs when no method is configured (its first): a {@link LocalStack} without a method. */
    static final String TRAINER_DEFAULT = "simclr";

    /**
     * What {@code ./stack} trains when {@code --method} is not given: the method that learned the best features in the
     * quality benchmarks (docs/benchmarks.md, "Quality levers").
     */
    static final String DEFAULT = "barlow-twins";

    /**
     * The small CNN's widths {@code ./stack} trains (for every method but mae): 512 features instead of the trainer's
     * 128, about 3 points more on the linear probe for 1.7 times the step (docs/benchmarks.md, "Quality levers").
     */
    static final String DEFAULT_WIDTHS = "32,64,128,512";

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

    /**
     * The trainer settings {@code ./stack} gives a method beyond the trainer's own defaults: for barlow-twins the
     * optimizer of its paper (LARS, learning rate 0.2 at batch 256, weight decay 1.5e-6, a short warm-up), which
     * learned better features than AdamW at the same number of images (docs/benchmarks.md, "Quality levers"); the
     * other methods keep the trainer's AdamW, not measured against LARS here.
     */
    static Map<String, String> trainerSettings(String method) {
        if (!"barlow-twins".equals(method)) {
            return Map.of();
        }
        return Map.of("ssl.trainer.optim.name", "lars", "ssl.trainer.optim.learning-rate", "0.2", "ssl.trainer.optim.weight-decay", "1.5e-6",
                "ssl.trainer.optim.schedule.warmup-steps", "50");
    }

    /**
     * Checks {@code --encoder-widths} before any process starts (the trainer would refuse it at start-up, and the
     * supervisor restart it in a loop): four positive integers, comma-separated.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static void checkWidths(String widths) {
        String[] parts = widths.split(",", -1);
        boolean ok = parts.length == 4;
        for (String p : parts) {
            ok &= p.strip().matches("[1-9][0-9]{0,4}");
        }
        if (!ok) {
            throw new IllegalArgumentException("--encoder-widths needs four positive integers, e.g. 32,64,128,512; got '" + widths + "'");
        }
    }

    /** Whether a method trains the small CNN by default (every one but mae, whose encoder is a ViT). */
    static boolean trainsSmallCnn(String method) {
        return !"mae".equals(method);
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
