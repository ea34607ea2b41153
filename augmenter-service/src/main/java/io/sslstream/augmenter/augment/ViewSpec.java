package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.View;

import java.util.SplittableRandom;

/**
 * How one view of an image is made: torchvision's SimCLR/BYOL pipeline
 * {@code RandomResizedCrop -> RandomHorizontalFlip -> RandomApply(ColorJitter) -> RandomGrayscale ->
 * RandomApply(GaussianBlur) -> RandomApply(Solarize)}, each op with its own probability.
 *
 * <p>Random draws, all from the recipe's {@link SplittableRandom}, in this order: the crop box; then, for each
 * op whose probability is above 0, one coin {@code nextDouble() < p} and, when it comes up, the op's parameters
 * (jitter order and factors, blur sigma). An op with probability 0 draws nothing. This order is part of the
 * reproducibility contract: changing it changes the views, so it needs a new recipe version.
 *
 * @param size                 output size
 * @param interpolation        arithmetic of the resize
 * @param crop                 crop area and aspect ranges
 * @param flipProbability      probability of a horizontal flip (fused into the resize, at no cost)
 * @param jitter               colour jitter
 * @param grayscaleProbability probability of turning an RGB view gray (3 equal channels)
 * @param blur                 Gaussian blur
 * @param solarize             solarization
 */
public record ViewSpec(Size size, RandomResizedCrop.Interpolation interpolation, Crop crop, double flipProbability,
                       ColorJitter.Strength jitter, double grayscaleProbability, Blur blur, Solarization solarize) {

    /** Largest output side of a fixed-size view: an RGB view of it still fits in a Java array. */
    public static final int MAX_SIDE = 16_384;

    public ViewSpec {
        java.util.Objects.requireNonNull(interpolation, "interpolation");
        Checks.probability("flip probability", flipProbability);
        Checks.probability("grayscale probability", grayscaleProbability);
    }

    /**
     * The output size: a fixed square side, or a fraction of the input's height and width.
     *
     * @param side     square side in pixels, or 0 to scale the input's sides by {@code fraction}
     * @param fraction factor on the input's height and width when {@code side} is 0 (1 = the input's size); the
     *                 result is rounded and at least 1
     */
    public record Size(int side, double fraction) {

        /** The input's height and width. */
        public static final Size INPUT = new Size(0, 1.0);

        public Size {
            Checks.require(side >= 0 && side <= MAX_SIDE, "view size must be in 0.." + MAX_SIDE + " (0 = relative)", side);
            Checks.require(side > 0 || (fraction > 0 && fraction <= 1), "relative view size must be in (0, 1]", fraction);
        }

        public static Size square(int side) {
            return new Size(side, 1.0);
        }

        public static Size relative(double fraction) {
            return new Size(0, fraction);
        }

        public int height(int inputHeight) {
            return side > 0 ? side : Math.max(1, (int) Math.rint(inputHeight * fraction));
        }

        public int width(int inputWidth) {
            return side > 0 ? side : Math.max(1, (int) Math.rint(inputWidth * fraction));
        }
    }

    /**
     * Random resized crop ranges, as torchvision's {@code RandomResizedCrop(scale, ratio)}.
     *
     * @param scaleMin smallest crop area, as a fraction of the image
     * @param scaleMax largest crop area
     * @param ratioMin smallest aspect ratio (width / height)
     * @param ratioMax largest aspect ratio
     */
    public record Crop(double scaleMin, double scaleMax, double ratioMin, double ratioMax) {

        public Crop {
            Checks.require(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1, "crop scale needs 0 < min <= max <= 1",
                    scaleMin + ".." + scaleMax);
            Checks.require(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax), "crop ratio needs 0 < min <= max",
                    ratioMin + ".." + ratioMax);
        }

        /** Area {@code [scaleMin, scaleMax]}, aspect ratio 3/4 to 4/3 (torchvision's default). */
        public static Crop scale(double scaleMin, double scaleMax) {
            return new Crop(scaleMin, scaleMax, 3.0 / 4.0, 4.0 / 3.0);
        }
    }

    /**
     * Gaussian blur, as torchvision's {@code RandomApply(GaussianBlur(kernelSize, (sigmaMin, sigmaMax)), p)}.
     *
     * @param probability probability of blurring
     * @param sigmaMin    smallest sigma, in pixels
     * @param sigmaMax    largest sigma
     * @param kernelSize  odd kernel size, or 0 for {@link GaussianBlur#autoKernelSize about a tenth of the view}
     * @param arithmetic  how the blur computes (float32 as torchvision, or fixed point: within one level, faster)
     */
    public record Blur(double probability, double sigmaMin, double sigmaMax, int kernelSize, GaussianBlur.Arithmetic arithmetic) {

        public static final Blur NONE = new Blur(0, 0.1, 2.0, 0);

        /** A blur in {@link GaussianBlur.Arithmetic#FLOAT32}. */
        public Blur(double probability, double sigmaMin, double sigmaMax, int kernelSize) {
            this(probability, sigmaMin, sigmaMax, kernelSize, GaussianBlur.Arithmetic.FLOAT32);
        }

        public Blur {
            Checks.probability("blur probability", probability);
            Checks.require(sigmaMin > 0 && sigmaMin <= sigmaMax && Double.isFinite(sigmaMax), "blur sigma needs 0 < min <= max",
                    sigmaMin + ".." + sigmaMax);
            Checks.require(kernelSize == 0 || (kernelSize > 0 && kernelSize % 2 == 1 && kernelSize <= 255),
                    "blur kernel size must be 0 (auto) or odd and at most 255", kernelSize);
            java.util.Objects.requireNonNull(arithmetic, "blur arithmetic");
        }

        int kernelFor(int height, int width) {
            return kernelSize > 0 ? kernelSize : GaussianBlur.autoKernelSize(height, width);
        }
    }

    /**
     * Solarization, as torchvision's {@code RandomSolarize(threshold, p)}.
     *
     * @param probability probability of solarizing
     * @param threshold   values at or above it are inverted (128 on uint8 = 0.5 on floats)
     */
    public record Solarization(double probability, int threshold) {

        public static final Solarization NONE = new Solarization(0, Solarize.DEFAULT_THRESHOLD);

        public Solarization {
            Checks.probability("solarize probability", probability);
            Checks.require(threshold >= 0 && threshold <= 256, "solarize threshold must be in 0..256", threshold);
        }
    }

    /** A copy with another output size. */
    public ViewSpec withSize(Size other) {
        return new ViewSpec(other, interpolation, crop, flipProbability, jitter, grayscaleProbability, blur, solarize);
    }

    /** A copy with another interpolation. */
    public ViewSpec withInterpolation(RandomResizedCrop.Interpolation other) {
        return new ViewSpec(size, other, crop, flipProbability, jitter, grayscaleProbability, blur, solarize);
    }

    /** A copy with another crop. */
    public ViewSpec withCrop(Crop other) {
        return new ViewSpec(size, interpolation, other, flipProbability, jitter, grayscaleProbability, blur, solarize);
    }

    /** A copy with other blur and solarize probabilities (BYOL's asymmetric views). */
    public ViewSpec withBlurAndSolarize(double blurProbability, double solarizeProbability) {
        return new ViewSpec(size, interpolation, crop, flipProbability, jitter, grayscaleProbability,
                new Blur(blurProbability, blur.sigmaMin(), blur.sigmaMax(), blur.kernelSize(), blur.arithmetic()),
                new Solarization(solarizeProbability, solarize.threshold()));
    }

    public int outputHeight(int inputHeight) {
        return size.height(inputHeight);
    }

    public int outputWidth(int inputWidth) {
        return size.width(inputWidth);
    }

    /** Makes one view of {@code image}, drawing from {@code rnd} in the documented order. */
    public View make(Image image, SplittableRandom rnd) {
        int c = image.channels();
        int outH = size.height(image.height());
        int outW = size.width(image.width());
        // every random choice first, in the documented order; none depends on the pixels
        CropBox box = RandomResizedCrop.sample(image.height(), image.width(),
                crop.scaleMin(), crop.scaleMax(), crop.ratioMin(), crop.ratioMax(), rnd);
        boolean flip = flipProbability > 0 && rnd.nextDouble() < flipProbability;
        ColorJitter.Params jitterParams = jitter.enabled() && rnd.nextDouble() < jitter.probability()
                ? ColorJitter.sample(jitter, rnd) : null;
        boolean gray = grayscaleProbability > 0 && rnd.nextDouble() < grayscaleProbability;
        double sigma = blur.probability() > 0 && rnd.nextDouble() < blur.probability()
                ? RandomResizedCrop.uniform(rnd, blur.sigmaMin(), blur.sigmaMax()) : 0;
        boolean solarized = solarize.probability() > 0 && rnd.nextDouble() < solarize.probability();

        // then the pixels; the resize counts the histogram a contrast jitter would count next
        int[] histogram = jitterParams != null && ColorJitter.usesInputHistogram(jitterParams, c) ? Scratch.get().histogram : null;
        byte[] out = new byte[outH * outW * c];
        RandomResizedCrop.resize(image, box, flip, out, outH, outW, interpolation, histogram);
        if (jitterParams != null) {
            ColorJitter.apply(out, c, jitterParams, histogram);
        }
        if (gray) {
            Grayscale.apply(out, c);
        }
        if (sigma > 0) {
            out = GaussianBlur.apply(out, outH, outW, c, blur.kernelFor(outH, outW), sigma, blur.arithmetic());
        }
        if (solarized) {
            Solarize.apply(out, solarize.threshold());
        }
        return new View(outH, outW, c, out);
    }
}
