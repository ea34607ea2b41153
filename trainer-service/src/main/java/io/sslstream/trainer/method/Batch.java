package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import io.sslstream.contracts.codec.PatchMask;

import java.util.List;

/**
 * One step's input as a method sees it.
 *
 * @param images  {@code (views * samples, C, H, W)} normalised images, view-major: rows {@code [v N, (v + 1) N)}
 *                are view {@code v} of every sample, so rows {@code i} and {@code i + N} are two views of one image
 * @param samples {@code N}
 * @param views   views per sample in {@code images}
 * @param masks   the samples' patch masks (MAE), or an empty list
 */
public record Batch(NDArray images, int samples, int views, List<PatchMask> masks) {

    public Batch {
        masks = List.copyOf(masks);
        if (images.getShape().get(0) != (long) samples * views) {
            throw new IllegalArgumentException(images.getShape() + " images for " + samples + " samples of " + views + " views");
        }
    }

    /** Rows of view {@code v}, {@code (N, C, H, W)}. */
    public NDArray view(int v) {
        return images.get(v * (long) samples + ":" + (v + 1) * (long) samples);
    }
}
