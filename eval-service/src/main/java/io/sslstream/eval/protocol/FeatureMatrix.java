package io.sslstream.eval.protocol;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * A read-only {@code (rows, cols)} float32 matrix of features, one row per item, stored row-major in one array
 * (60,000 x 784 pixels as {@code float[][]} would be 60,000 objects; one array is also what libtorch wants).
 */
public final class FeatureMatrix {

    private final float[] data;
    private final int rows;
    private final int cols;

    private FeatureMatrix(float[] data, int rows, int cols) {
        if (rows < 0 || cols <= 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix needs " + ((long) rows * cols)
                    + " values, got " + data.length);
        }
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** A matrix holding a copy of {@code data} (row-major). */
    public static FeatureMatrix copyOf(float[] data, int rows, int cols) {
        return new FeatureMatrix(data.clone(), rows, cols);
    }

    /** Takes ownership of {@code data}: for arrays the caller built and drops. */
    static FeatureMatrix wrap(float[] data, int rows, int cols) {
        return new FeatureMatrix(data, rows, cols);
    }

    /** A matrix of equally long rows, e.g. the output of a feature extractor. */
    public static FeatureMatrix of(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        int cols = rows[0].length;
        float[] data = new float[Math.multiplyExact(rows.length, cols)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return new FeatureMatrix(data, rows.length, cols);
    }

    /**
     * Raw pixels as features: {@code n} items of {@code itemSize} uint8 values each, divided by 255.
     *
     * @param pixels {@code n * itemSize} bytes, item after item
     */
    public static FeatureMatrix ofPixels(byte[] pixels, int n, int itemSize) {
        if ((long) n * itemSize != pixels.length) {
            throw new IllegalArgumentException(n + " items of " + itemSize + " pixels need " + ((long) n * itemSize)
                    + " bytes, got " + pixels.length);
        }
        float[] data = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            data[i] = (pixels[i] & 0xFF) / 255f;
        }
        return new FeatureMatrix(data, n, itemSize);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    /** A copy of rows {@code [from, to)}, row-major. */
    public float[] rowRange(int from, int to) {
        return Arrays.copyOfRange(data, from * cols, to * cols);
    }

    /** The given rows, in the given order. */
    public FeatureMatrix selectRows(int[] indices) {
        float[] out = new float[Math.multiplyExact(indices.length, cols)];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= rows) {
                throw new IllegalArgumentException("row index " + indices[i] + " outside [0, " + rows + ")");
            }
            System.arraycopy(data, indices[i] * cols, out, i * cols, cols);
        }
        return new FeatureMatrix(out, indices.length, cols);
    }

    /** Number of NaN or infinite values: a diverged encoder shows up here before it confuses a probe. */
    public long nonFiniteCount() {
        long n = 0;
        for (float v : data) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    /** The matrix as a {@code (rows, cols)} float32 tensor owned by {@code manager}. */
    public NDArray toNDArray(NDManager manager) {
        return manager.create(data, new Shape(rows, cols));
    }

    /** Applies {@code (x - shift[j]) / scale[j]} per column into a new matrix (double arithmetic, float storage). */
    FeatureMatrix affine(double[] shift, double[] scale) {
        float[] out = new float[data.length];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                out[base + j] = (float) ((data[base + j] - shift[j]) / scale[j]);
            }
        }
        return new FeatureMatrix(out, rows, cols);
    }
}
