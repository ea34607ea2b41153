package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;

/**
 * MAE's reconstruction loss: the mean squared error between predicted and true pixels of each patch, averaged over
 * the masked patches only. With {@code normPix} (MAE's default) every target patch is first normalised by its own
 * mean and (unbiased) variance, {@code (t - mean) / sqrt(var + 1e-6)}.
 */
public final class MaeLoss {

    private final boolean normPix;

    public MaeLoss(boolean normPix) {
        this.normPix = normPix;
    }

    /**
     * {@code (N, C, H, W)} images to {@code (N, T, p * p * C)} patches, row-major over the patch grid; within a patch
     * row-major pixels with the channels innermost (MAE's {@code patchify}).
     */
    public static NDArray patchify(NDArray images, int patch) {
        long[] s = images.getShape().getShape();
        long n = s[0];
        long c = s[1];
        long rows = s[2] / patch;
        long cols = s[3] / patch;
        return images.reshape(n, c, rows, patch, cols, patch)
                .transpose(0, 2, 4, 3, 5, 1) // (N, rows, cols, p, p, C)
                .reshape(n, rows * cols, (long) patch * patch * c);
    }

    /**
     * @param prediction {@code (N, T, P)} predicted patches
     * @param patches    {@code (N, T, P)} true patches (see {@link #patchify})
     * @param mask       {@code (N, T)}, 1 where the patch was hidden from the encoder, 0 elsewhere
     */
    public NDArray apply(NDArray prediction, NDArray patches, NDArray mask) {
        if (!prediction.getShape().equals(patches.getShape()) || prediction.getShape().dimension() != 3
                || !mask.getShape().equals(prediction.getShape().slice(0, 2))) {
            throw new IllegalArgumentException("MAE needs (N, T, P) predictions and targets and an (N, T) mask, got "
                    + prediction.getShape() + ", " + patches.getShape() + ", " + mask.getShape());
        }
        NDArray target = patches;
        if (normPix) {
            long p = patches.getShape().get(2);
            NDArray mean = patches.mean(new int[]{2}, true); // (N, T, 1)
            NDArray var = patches.sub(mean).square().sum(new int[]{2}, true).div(p - 1); // (N, T, 1)
            target = patches.sub(mean).div(var.add(1e-6).sqrt());
        }
        NDArray perPatch = prediction.sub(target).square().mean(new int[]{2}); // (N, T)
        return perPatch.mul(mask).sum().div(mask.sum());
    }

    public boolean normPix() {
        return normPix;
    }
}
