package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.Pixels16;

import java.util.SplittableRandom;

/**
 * Window level/width: how 16-bit medical values (CT's Hounsfield units, MR intensities) become the 8-bit pixels the
 * trainer takes, and, with random jitter of the level and the width, a known augmentation of medical self-supervised
 * learning (a view sees the same anatomy as a radiologist would with another window).
 *
 * <p>The mapping is DICOM's linear VOI LUT (PS3.3 C.11.2.1.2) on the modality value {@code m = stored * slope +
 * intercept}: 0 for {@code m <= c - 0.5 - (w - 1) / 2}, 255 for {@code m > c - 0.5 + (w - 1) / 2}, else
 * {@code ((m - (c - 0.5)) / (w - 1) + 0.5) * 255}, rounded half up; a MONOCHROME1 frame is then inverted
 * ({@code 255 - y}). The window comes from the frame (its first DICOM window) or, when it has none, spans the frame's
 * own range of modality values (lowest to 0, highest to 255).
 *
 * <p>An 8-bit image through a windowing recipe is windowed too, from the window {@code c = 128, w = 256} (which maps
 * every value to itself), so that PNG and raw-pixel samples take the same recipe.
 */
public final class Windowing {

    /** The window that maps 8-bit values to themselves. */
    public static final Window IDENTITY_8BIT = new Window(128, 256);

    private Windowing() {
    }

    /**
     * A window in modality units.
     *
     * @param center level
     * @param width  width, at least 1
     */
    public record Window(double center, double width) {

        public Window {
            Checks.require(Double.isFinite(center) && Double.isFinite(width) && width >= 1,
                    "a window needs a finite centre and a finite width of at least 1", center + "/" + width);
        }
    }

    /**
     * Random window jitter, drawn per view: with probability {@code probability}, the centre moves by a uniform
     * fraction in {@code [-centerShift, centerShift]} of the width, and the width is multiplied by a log-uniform
     * factor in {@code [widthScaleMin, widthScaleMax]} (at least 1 after scaling).
     */
    public record Spec(double probability, double centerShift, double widthScaleMin, double widthScaleMax) {

        /** The frame's own window, never moved. */
        public static final Spec FIXED = new Spec(0, 0, 1, 1);

        public Spec {
            Checks.probability("window probability", probability);
            Checks.require(centerShift >= 0 && centerShift <= 10, "window centre shift must be in [0, 10] widths", centerShift);
            Checks.require(widthScaleMin > 0 && widthScaleMin <= widthScaleMax && widthScaleMax <= 100,
                    "window width scale needs 0 < min <= max <= 100", widthScaleMin + ".." + widthScaleMax);
        }

        /**
         * The window of one view: {@code base} moved by the jitter. Draws, when {@code probability > 0}: a coin
         * {@code nextDouble() < probability} and, when it comes up, the centre shift then the width factor.
         */
        public Window draw(Window base, SplittableRandom rnd) {
            if (probability <= 0 || !(rnd.nextDouble() < probability)) {
                return base;
            }
            double shift = RandomResizedCrop.uniform(rnd, -centerShift, centerShift) * base.width();
            double factor = Math.exp(RandomResizedCrop.uniform(rnd, Math.log(widthScaleMin), Math.log(widthScaleMax)));
            return new Window(base.center() + shift, Math.max(1, base.width() * factor));
        }
    }

    /** The frame's first DICOM window, or one spanning its own range of modality values. */
    public static Window base(Pixels16 frame) {
        if (frame.hasWindow()) {
            return new Window(frame.windowCenter(), frame.windowWidth());
        }
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = 0; i < frame.values().length; i++) {
            int v = frame.stored(i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double a = lo * frame.rescaleSlope() + frame.rescaleIntercept();
        double b = hi * frame.rescaleSlope() + frame.rescaleIntercept();
        double min = Math.min(a, b);
        double max = Math.max(a, b);
        return new Window((min + max) / 2 + 0.5, max - min + 1);
    }

    /** The 8-bit gray image of a frame through a window (inverted for MONOCHROME1). */
    public static Image apply(Pixels16 frame, Window window) {
        // y = m * a + b on the modality value m, clamped to 0..255; folded into y = stored * A + B
        double a;
        double b;
        if (window.width() <= 1) { // a step at c - 0.5: 0 below or at, 255 above
            a = 1e12;
            b = -(window.center() - 0.5) * 1e12;
        } else {
            a = 255.0 / (window.width() - 1);
            b = ((0.5 - window.center()) / (window.width() - 1) + 0.5) * 255.0;
        }
        double scale = frame.rescaleSlope() * a;
        double offset = frame.rescaleIntercept() * a + b;
        short[] values = frame.values();
        byte[] out = new byte[values.length];
        boolean invert = frame.monochrome1();
        boolean signed = frame.signed();
        for (int i = 0; i < values.length; i++) {
            int v = signed ? values[i] : values[i] & 0xFFFF;
            int y = clampRound(v * scale + offset);
            out[i] = (byte) (invert ? 255 - y : y);
        }
        return new Image(frame.height(), frame.width(), 1, out);
    }

    /** An 8-bit image through a window on its values, channel by channel (a 256-entry table). */
    public static Image apply(Image image, Window window) {
        byte[] lut = new byte[256];
        for (int v = 0; v < 256; v++) {
            lut[v] = (byte) clampRound(window.width() <= 1 ? (v > window.center() - 0.5 ? 255 : 0)
                    : ((v - (window.center() - 0.5)) / (window.width() - 1) + 0.5) * 255.0);
        }
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = lut[in[i] & 0xFF];
        }
        return new Image(image.height(), image.width(), image.channels(), out);
    }

    /** Round half up, clamped to 0..255; NaN cannot occur (finite inputs). */
    private static int clampRound(double y) {
        if (y <= 0) {
            return 0;
        }
        if (y >= 255) {
            return 255;
        }
        return (int) Math.floor(y + 0.5);
    }
}
