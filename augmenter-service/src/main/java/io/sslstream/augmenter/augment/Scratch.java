package io.sslstream.augmenter.augment;

/**
 * Per-thread work arrays of the ops, so that augmenting a view allocates nothing but its output.
 *
 * <p>Only tables of one output row or column, or one entry per pixel value, live here, never whole images:
 * a thread that once handled a huge image does not keep it alive.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    int[] col0 = new int[0];
    int[] col1 = new int[0];
    float[] colW = new float[0];
    int[] row0 = new int[0];
    int[] row1 = new int[0];
    float[] rowW = new float[0];
    /** Two source rows interpolated horizontally, {@code outW * channels} values each. */
    float[] lineA = new float[0];
    float[] lineB = new float[0];
    /** Per-channel histograms, channel c at {@code [c * 256, c * 256 + 256)}. */
    final int[] histogram = new int[3 * 256];
    /** A value map under construction, unclamped ints. */
    final int[] valueMap = new int[256];
    /** The same map as bytes, for the pass over the pixels. */
    final byte[] byteMap = new byte[256];

    private Scratch() {
    }

    static Scratch get() {
        return LOCAL.get();
    }

    void ensureColumns(int n) {
        if (col0.length < n) {
            col0 = new int[n];
            col1 = new int[n];
            colW = new float[n];
        }
    }

    void ensureLines(int n) {
        if (lineA.length < n) {
            lineA = new float[n];
            lineB = new float[n];
        }
    }

    void ensureRows(int n) {
        if (row0.length < n) {
            row0 = new int[n];
            row1 = new int[n];
            rowW = new float[n];
        }
    }
}
