package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;

import java.util.List;
import java.util.SplittableRandom;

/**
 * SimCLR's view pair, the gray/brightness-contrast part of its augmentation: two independent views, each
 * {@code RandomResizedCrop -> RandomHorizontalFlip -> RandomApply(ColorJitter(b, c), p)}, drawn in that
 * order from one {@link SplittableRandom} (view 1's draws, then view 2's).
 *
 * <p>Version 1 has no saturation, hue, grayscale or blur; adding them makes version 2.
 */
public final class SimclrRecipe implements Recipe {

    public static final String NAME = "simclr";
    public static final int VIEWS = 2;
    /** Largest configurable output side: an RGB view of it still fits in a Java array. */
    public static final int MAX_OUTPUT_SIZE = 16_384;

    /**
     * The recipe's parameters; {@link #defaults()} defines version 1.
     *
     * @param version           recipe version written into the view sets
     * @param outputSize        side of the square output, or 0 to keep the input's height and width
     * @param scaleMin          smallest crop area fraction
     * @param scaleMax          largest crop area fraction
     * @param ratioMin          smallest crop aspect ratio (width/height)
     * @param ratioMax          largest crop aspect ratio
     * @param flipProbability   probability of a horizontal flip
     * @param jitterStrength    brightness and contrast factors are drawn in {@code [1 - s, 1 + s]}
     * @param jitterProbability probability of applying the jitter at all
     */
    public record Settings(int version, int outputSize, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
                           double flipProbability, double jitterStrength, double jitterProbability) {

        public Settings {
            require(version >= 0 && version <= 0xFFFF, "version must be in 0..65535", version);
            require(outputSize >= 0 && outputSize <= MAX_OUTPUT_SIZE, "output size must be in 0.." + MAX_OUTPUT_SIZE
                    + " (0 = input size)", outputSize);
            require(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1, "crop scale needs 0 < min <= max <= 1",
                    scaleMin + ".." + scaleMax);
            require(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax), "crop ratio needs 0 < min <= max",
                    ratioMin + ".." + ratioMax);
            require(flipProbability >= 0 && flipProbability <= 1, "flip probability must be in [0, 1]", flipProbability);
            require(jitterStrength >= 0 && Double.isFinite(jitterStrength), "jitter strength must be >= 0", jitterStrength);
            require(jitterProbability >= 0 && jitterProbability <= 1, "jitter probability must be in [0, 1]", jitterProbability);
        }

        /** SimCLR v1 as configured here: crop scale 0.5..1, ratio 3/4..4/3, flip 0.5, jitter 0.4 with p 0.8. */
        public static Settings defaults() {
            return new Settings(1, 0, 0.5, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 0.4, 0.8);
        }

        private static void require(boolean ok, String what, Object actual) {
            if (!ok) {
                throw new IllegalArgumentException("simclr recipe: " + what + ", got " + actual);
            }
        }
    }

    private final Settings settings;

    public SimclrRecipe(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int version() {
        return settings.version();
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public ViewSet apply(String sampleId, Image image, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        View[] views = new View[VIEWS];
        for (int i = 0; i < VIEWS; i++) {
            views[i] = view(image, rnd);
        }
        return new ViewSet(sampleId, NAME, settings.version(), seed, List.of(views), null);
    }

    /** One view; consumes the random draws in torchvision's order: crop, flip, jitter. */
    View view(Image image, SplittableRandom rnd) {
        Settings s = settings;
        int outH = s.outputSize() > 0 ? s.outputSize() : image.height();
        int outW = s.outputSize() > 0 ? s.outputSize() : image.width();
        CropBox box = RandomResizedCrop.sample(image.height(), image.width(),
                s.scaleMin(), s.scaleMax(), s.ratioMin(), s.ratioMax(), rnd);
        boolean flip = rnd.nextDouble() < s.flipProbability();
        byte[] out = new byte[outH * outW * image.channels()];
        RandomResizedCrop.resize(image, box, flip, out, outH, outW);
        if (rnd.nextDouble() < s.jitterProbability()) {
            ColorJitter.apply(out, image.channels(), ColorJitter.sample(s.jitterStrength(), rnd));
        }
        return new View(outH, outW, image.channels(), out);
    }
}
