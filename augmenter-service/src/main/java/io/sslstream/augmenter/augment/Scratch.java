package io.sslstream.augmenter.augment;

/**
 * Per-thread work arrays of the ops, so that augmenting a view allocates nothing but its output.
 *
 * <p>Only tables of one output row or column, one entry per pixel value, or a blur kernel's worth of rows live
 * here, never whole images; and blur arrays above {@link #KEEP_LIMIT} are not kept: a thread that once handled a
 * huge image does not keep its work arrays alive.
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
    /** The same in fixed point, and the fixed-point weights of the second column and row taps. */
    int[] lineIA = new int[0];
    int[] lineIB = new int[0];
    /** One output row of fixed-point results before they are narrowed to bytes. */
    int[] lineIC = new int[0];
    int[] colWi = new int[0];
    int[] rowWi = new int[0];
    /** Per-channel histograms, channel c at {@code [c * 256, c * 256 + 256)}. */
    final int[] histogram = new int[3 * 256];
    /** A value map under construction, unclamped ints. */
    final int[] valueMap = new int[256];
    /** The same map as bytes, for the pass over the pixels. */
    final byte[] byteMap = new byte[256];
    /**
     * Blur: {@code kernelSize} horizontally blurred rows, one output row, one source row with its reflected margins,
     * and where each tap starts (in the padded row, then in the ring).
     */
    private float[] ring = new float[0];
    private float[] row = new float[0];
    private float[] padded = new float[0];
    private int[] taps = new int[0];
    /** The same three arrays of the fixed-point blur. */
    private int[] ringFixed = new int[0];
    private int[] rowFixed = new int[0];
    private int[] paddedFixed = new int[0];

    /** Work arrays above this many elements are not kept after the call that needed them. */
    static final int KEEP_LIMIT = 1 << 20;

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
            colWi = new int[n];
        }
    }

    void ensureLines(int n) {
        if (lineA.length < n) {
            lineA = new float[n];
            lineB = new float[n];
            lineIA = new int[n];
            lineIB = new int[n];
            lineIC = new int[n];
        }
    }

    float[] blurRing(int n) {
        if (ring.length >= n) {
            return ring;
        }
        float[] a = new float[n];
        if (n <= KEEP_LIMIT) {
            ring = a;
        }
        return a;
    }

    float[] blurRow(int n) {
        if (row.length >= n) {
            return row;
        }
        float[] a = new float[n];
        if (n <= KEEP_LIMIT) {
            row = a;
        }
        return a;
    }

    int[] blurTaps(int n) {
        if (taps.length < n) {
            taps = new int[n]; // a few kernel sizes' worth: always kept
        }
        return taps;
    }

    float[] blurPadded(int n) {
        if (padded.length >= n) {
            return padded;
        }
        float[] a = new float[n];
        if (n <= KEEP_LIMIT) {
            padded = a;
        }
        return a;
    }

    int[] blurRingFixed(int n) {
        if (ringFixed.length >= n) {
            return ringFixed;
        }
        int[] a = new int[n];
        if (n <= KEEP_LIMIT) {
            ringFixed = a;
        }
        return a;
    }

    int[] blurRowFixed(int n) {
        if (rowFixed.length >= n) {
            return rowFixed;
        }
        int[] a = new int[n];
        if (n <= KEEP_LIMIT) {
            rowFixed = a;
        }
        return a;
    }

    int[] blurPaddedFixed(int n) {
        if (paddedFixed.length >= n) {
            return paddedFixed;
        }
        int[] a = new int[n];
        if (n <= KEEP_LIMIT) {
            paddedFixed = a;
        }
        return a;
    }

    void ensureRows(int n) {
        if (row0.length < n) {
            row0 = new int[n];
            row1 = new int[n];
            rowW = new float[n];
            rowWi = new int[n];
        }
    }
}
