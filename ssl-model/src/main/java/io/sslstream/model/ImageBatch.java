package io.sslstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A reusable batch of images as the encoder wants them: uint8 HWC pixels in, normalised float32 NCHW out,
 * written straight into one native-order direct buffer (no per-image float arrays, no copy on the way
 * to libtorch). Normalisation {@code (x / 255 - mean[c]) / std[c]} is a 256-entry lookup per channel.
 *
 * <p>Not thread-safe. A tensor made by {@link #toNDArray} may share this buffer: do not refill the batch
 * while that tensor is in use (a prefetching caller alternates two batches).
 */
public final class ImageBatch {

    private final int capacity;
    private final int channels;
    private final int height;
    private final int width;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final float[][] lut;
    private int size;

    public ImageBatch(InputSpec spec, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.channels = spec.channels();
        this.height = spec.height();
        this.width = spec.width();
        this.bytes = ByteBuffer.allocateDirect(Math.multiplyExact(capacity * 4, channels * height * width))
                .order(ByteOrder.nativeOrder());
        this.floats = bytes.asFloatBuffer();
        this.lut = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            double mean = spec.mean().get(c);
            double std = spec.std().get(c);
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (float) ((v / 255.0 - mean) / std);
            }
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public boolean isFull() {
        return size == capacity;
    }

    public void clear() {
        size = 0;
    }

    /**
     * Appends one image.
     *
     * @param hwc uint8 pixels, row-major height x width x channels, matching the batch's input shape
     */
    public void add(byte[] hwc) {
        add(hwc, height, width, channels);
    }

    /** Appends one image after checking that its shape is the batch's. */
    public void add(byte[] hwc, int h, int w, int c) {
        if (size == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " images)");
        }
        if (h != height || w != width || c != channels || hwc.length != h * w * c) {
            throw new IllegalArgumentException("image " + h + "x" + w + "x" + c + " (" + hwc.length + " bytes) does not match the batch's input "
                    + height + "x" + width + "x" + channels);
        }
        int plane = height * width;
        int base = size * channels * plane;
        if (channels == 1) {
            float[] t = lut[0];
            for (int i = 0; i < plane; i++) {
                floats.put(base + i, t[hwc[i] & 0xFF]);
            }
        } else {
            // HWC in, CHW out
            for (int i = 0; i < plane; i++) {
                for (int c2 = 0; c2 < channels; c2++) {
                    floats.put(base + c2 * plane + i, lut[c2][hwc[i * channels + c2] & 0xFF]);
                }
            }
        }
        size++;
    }

    /** The filled part as a {@code (size, C, H, W)} float32 tensor owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        if (size == 0) {
            throw new IllegalStateException("empty batch");
        }
        ByteBuffer filled = bytes.slice(0, size * channels * height * width * 4).order(ByteOrder.nativeOrder());
        return manager.create(filled, new Shape(size, channels, height, width), DataType.FLOAT32);
    }
}
