package io.sslstream.bench.augment;

import io.sslstream.augmenter.augment.ColorJitter;
import io.sslstream.augmenter.augment.CropBox;
import io.sslstream.augmenter.augment.Grayscale;
import io.sslstream.augmenter.augment.HorizontalFlip;
import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.RandomResizedCrop;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.ViewSpec;
import io.sslstream.contracts.codec.View;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The three cases of torchvision's peer ({@code benchmarks/peer/augment_bench.py}) with the same ops and
 * probabilities, and the same per-op breakdown, on our ops: one view per call, each with its own random parameters
 * drawn from one generator, as a torchvision {@code Dataset} applies its transform.
 *
 * <ul>
 *   <li>{@code gray28}: Fashion-MNIST images, {@code RandomResizedCrop(28, scale 0.5-1) + flip +
 *   RandomApply(ColorJitter(0.4, 0.4), 0.8)}: the view of {@code simclr} (version 2, fixed-point resize);</li>
 *   <li>{@code rgb96}: uniform-noise RGB 96x96, the same ops;</li>
 *   <li>{@code rgb96_full}: uniform-noise RGB 96x96, {@code RandomResizedCrop(96, scale 0.08-1) + flip +
 *   RandomApply(ColorJitter(0.4, 0.4, 0.4, 0.1), 0.8) + RandomGrayscale(0.2)}.</li>
 * </ul>
 */
public final class AugmentCases {

    /**
     * One measured thing.
     *
     * @param caseName the peer's case name
     * @param what     {@code pipeline} or {@code op:<name>}, as the peer prints it
     * @param views    views per trial
     * @param work     the loop
     */
    public record Case(String caseName, String what, int views, Throughput.Work work) {
    }

    private AugmentCases() {
    }

    /** simclr's view (version 2, the default): the peer's {@code gray28} and {@code rgb96} pipelines. */
    public static ViewSpec simclrView() {
        return Recipes.simclrView();
    }

    /** The peer's {@code rgb96_full} pipeline. */
    public static ViewSpec fullColourView() {
        return new ViewSpec(ViewSpec.Size.INPUT, RandomResizedCrop.Interpolation.FIXED_POINT,
                new ViewSpec.Crop(0.08, 1.0, Recipes.RATIO_MIN, Recipes.RATIO_MAX), 0.5,
                new ColorJitter.Strength(0.8, 0.4, 0.4, 0.4, 0.1), 0.2, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
    }

    /** Every case and op of the peer, with {@code n28} views per trial at 28 px and {@code n96} at 96 px. */
    public static List<Case> all(Image[] gray28, Image[] rgb96, int n28, int n96, int nOps28, int nOps96) {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("gray28", "pipeline", n28, pipeline(simclrView(), gray28)));
        addOps(cases, "gray28", gray28, nOps28, 0.5);
        cases.add(new Case("rgb96", "pipeline", n96, pipeline(simclrView(), rgb96)));
        addOps(cases, "rgb96", rgb96, nOps96, 0.5);
        cases.add(new Case("rgb96_full", "pipeline", n96, pipeline(fullColourView(), rgb96)));
        cases.add(new Case("rgb96_full", "op:ColorJitter(b,c,s,h)", nOps96,
                inPlace(rgb96, (px, c, rnd) -> ColorJitter.apply(px, c, ColorJitter.sample(
                        new ColorJitter.Strength(1, 0.4, 0.4, 0.4, 0.1), rnd)))));
        cases.add(new Case("rgb96_full", "op:Grayscale(p=1)", nOps96, inPlace(rgb96, (px, c, rnd) -> Grayscale.apply(px, c))));
        return cases;
    }

    private static void addOps(List<Case> cases, String name, Image[] images, int n, double scaleMin) {
        cases.add(new Case(name, "op:RandomResizedCrop", n, (count) -> {
            SplittableRandom rnd = new SplittableRandom(count);
            long acc = 0;
            for (int i = 0; i < count; i++) {
                Image img = images[i % images.length];
                CropBox box = RandomResizedCrop.sample(img.height(), img.width(), scaleMin, 1.0, Recipes.RATIO_MIN,
                        Recipes.RATIO_MAX, rnd);
                acc += RandomResizedCrop.resize(img, box, false, img.height(), img.width(),
                        RandomResizedCrop.Interpolation.FIXED_POINT).pixels()[i & 15];
            }
            return acc;
        }));
        cases.add(new Case(name, "op:HorizontalFlip(p=1)", n, (count) -> {
            long acc = 0;
            for (int i = 0; i < count; i++) {
                acc += HorizontalFlip.apply(images[i % images.length]).pixels()[i & 15];
            }
            return acc;
        }));
        cases.add(new Case(name, "op:ColorJitter(b,c)", n, inPlace(images,
                (px, c, rnd) -> ColorJitter.apply(px, c, ColorJitter.sample(0.4, rnd)))));
    }

    /** An in-place op on a fresh copy of each image (torchvision returns a new tensor; the copy is our equivalent). */
    interface PixelOp {
        void apply(byte[] pixels, int channels, SplittableRandom rnd);
    }

    private static Throughput.Work inPlace(Image[] images, PixelOp op) {
        return (count) -> {
            SplittableRandom rnd = new SplittableRandom(count);
            long acc = 0;
            for (int i = 0; i < count; i++) {
                Image img = images[i % images.length];
                byte[] px = img.pixels().clone();
                op.apply(px, img.channels(), rnd);
                acc += px[i & 15];
            }
            return acc;
        };
    }

    /** One view per image, cycling through the images, all from one generator. */
    public static Throughput.Work pipeline(ViewSpec spec, Image[] images) {
        return (count) -> {
            SplittableRandom rnd = new SplittableRandom(count);
            long acc = 0;
            for (int i = 0; i < count; i++) {
                View v = spec.make(images[i % images.length], rnd);
                acc += v.pixels()[i & 15];
            }
            return acc;
        };
    }

    /** {@code count} uniform-noise RGB images, like the peer's {@code torch.rand(1000, 3, 96, 96)}. */
    public static Image[] noiseRgb(int count, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Image[] images = new Image[count];
        for (int i = 0; i < count; i++) {
            byte[] px = new byte[size * size * 3];
            rnd.nextBytes(px);
            images[i] = new Image(size, size, 3, px);
        }
        return images;
    }
}
