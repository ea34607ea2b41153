package io.sslstream.augmenter.augment;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A recipe made of view specs: one view per spec, in order, all drawn from one {@code SplittableRandom(seed)}
 * (view 1's draws, then view 2's, ...), then, if there is a {@code mask}, the patch mask of the first view.
 * {@code simclr}, {@code byol}, {@code multicrop}, {@code mae} and {@code windowing} are all of this kind
 * ({@link Recipes}).
 *
 * <p>With a {@code windowing} spec, each view starts with its own window ({@link Windowing.Spec#draw}: those draws come
 * first in the view's, before its crop's), through which the input becomes the 8-bit image the view spec works on: a
 * 16-bit frame from its own window ({@link Windowing#base}), an 8-bit image from the identity window. Without one, a
 * 16-bit frame is seen through its own window, the same for every view.
 *
 * @param name      recipe name, also the suffix of its topic {@code ssl.views.<name>}
 * @param version   recipe version, written into every view set
 * @param views     one spec per view, 1 to 255
 * @param mask      patch masking of the first view, or {@code null}
 * @param windowing window jitter drawn per view, or {@code null} for none
 */
public record MultiViewRecipe(String name, int version, List<ViewSpec> views, PatchMasking.Spec mask,
                              Windowing.Spec windowing) implements Recipe {

    /** A recipe without windowing. */
    public MultiViewRecipe(String name, int version, List<ViewSpec> views, PatchMasking.Spec mask) {
        this(name, version, views, mask, null);
    }

    public MultiViewRecipe {
        Topics.views(name); // checks the name
        Checks.require(version >= 0 && version <= 0xFFFF, name + ": version must be in 0..65535", version);
        views = List.copyOf(views);
        Checks.require(!views.isEmpty() && views.size() <= 255, name + ": a recipe makes 1 to 255 views", views.size());
    }

    @Override
    public ViewSet apply(String sampleId, Image image, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        View[] out = new View[views.size()];
        for (int i = 0; i < out.length; i++) {
            Image input = windowing == null ? image : Windowing.apply(image, windowing.draw(Windowing.IDENTITY_8BIT, rnd));
            out[i] = views.get(i).make(input, rnd);
        }
        return finish(sampleId, seed, out, rnd);
    }

    @Override
    public ViewSet apply(String sampleId, Pixels16 frame, long seed) {
        if (windowing == null) {
            return Recipe.super.apply(sampleId, frame, seed);
        }
        Windowing.Window base = Windowing.base(frame);
        SplittableRandom rnd = new SplittableRandom(seed);
        View[] out = new View[views.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = views.get(i).make(Windowing.apply(frame, windowing.draw(base, rnd)), rnd);
        }
        return finish(sampleId, seed, out, rnd);
    }

    private ViewSet finish(String sampleId, long seed, View[] out, SplittableRandom rnd) {
        PatchMask m = mask == null ? null : PatchMasking.draw(out[0].height(), out[0].width(), mask, rnd);
        return new ViewSet(sampleId, name, version, seed, List.of(out), m);
    }

    @Override
    public long encodedSize(String sampleId, int height, int width, int channels) {
        long size = 4 + 1 + 1 + 2 + sampleId.getBytes(StandardCharsets.UTF_8).length + 2
                + name.getBytes(StandardCharsets.UTF_8).length + 2 + 8 + 1;
        for (ViewSpec v : views) {
            size += 5 + (long) v.outputHeight(height) * v.outputWidth(width) * channels;
        }
        if (mask != null) {
            ViewSpec first = views.get(0);
            long cells = (long) mask.rows(first.outputHeight(height)) * mask.cols(first.outputWidth(width));
            size += 6 + (cells + 7) / 8;
        }
        return size;
    }
}
