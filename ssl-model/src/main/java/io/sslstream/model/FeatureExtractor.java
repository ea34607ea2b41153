package io.sslstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;

import java.util.function.IntFunction;

/**
 * Frozen features of an encoder (inference mode: BatchNorm uses its running statistics), batch by batch,
 * with every batch's native memory released before the next.
 */
public final class FeatureExtractor {

    private final Block encoder;
    private final InputSpec input;
    private final NDManager manager;
    private final int batchSize;

    /**
     * @param encoder   an initialised encoder whose output is {@code (N, D)}
     * @param input     the encoder's input spec (shape and normalisation)
     * @param manager   owner of the encoder's parameters; per-batch arrays live in a sub-manager of it
     * @param batchSize images per forward pass
     */
    public FeatureExtractor(Block encoder, InputSpec input, NDManager manager, int batchSize) {
        this.encoder = encoder;
        this.input = input;
        this.manager = manager;
        this.batchSize = batchSize;
    }

    /**
     * Features of {@code n} images.
     *
     * @param images image {@code i} as uint8 HWC pixels of the input shape
     * @return {@code n} rows of {@code D} floats
     */
    public float[][] extract(IntFunction<byte[]> images, int n) {
        float[][] out = new float[n][];
        ImageBatch batch = new ImageBatch(input, Math.min(batchSize, Math.max(1, n)));
        ParameterStore params = new ParameterStore(manager, false);
        for (int start = 0; start < n; start += batch.capacity()) {
            int end = Math.min(n, start + batch.capacity());
            batch.clear();
            for (int i = start; i < end; i++) {
                batch.add(images.apply(i));
            }
            try (NDManager step = manager.newSubManager(); NoGrad ignored = NoGrad.enter()) {
                NDArray x = batch.toNDArray(step); // (B, C, H, W)
                NDArray f = encoder.forward(params, new NDList(x), false).singletonOrThrow(); // (B, D)
                int d = (int) f.getShape().get(1);
                float[] flat = f.toFloatArray();
                for (int i = start; i < end; i++) {
                    float[] row = new float[d];
                    System.arraycopy(flat, (i - start) * d, row, 0, d);
                    out[i] = row;
                }
            }
        }
        return out;
    }
}
