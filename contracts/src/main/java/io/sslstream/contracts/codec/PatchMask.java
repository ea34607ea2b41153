package io.sslstream.contracts.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A patch mask for masked-image modelling: a grid of {@code rows x cols} patches of
 * {@code patchSize x patchSize} pixels, {@code true} where the patch is masked (hidden from the encoder).
 *
 * @param patchSize pixels per patch side
 * @param rows      patch rows
 * @param cols      patch columns
 * @param bits      row-major bitset, bit {@code i} = patch {@code i} masked; {@code ceil(rows*cols/8)} bytes
 */
public record PatchMask(int patchSize, int rows, int cols, byte[] bits) {

    public PatchMask {
        Objects.requireNonNull(bits, "bits");
        if (patchSize <= 0 || patchSize > 0xFFFF || rows <= 0 || rows > 0xFFFF || cols <= 0 || cols > 0xFFFF) {
            throw new IllegalArgumentException("bad mask grid " + rows + "x" + cols + " of " + patchSize + " px");
        }
        if (bits.length != byteCount(rows, cols)) {
            throw new IllegalArgumentException("mask has " + bits.length + " bytes, a " + rows + "x" + cols + " grid needs "
                    + byteCount(rows, cols));
        }
    }

    static int byteCount(int rows, int cols) {
        long bytes = ((long) rows * cols + 7) / 8;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mask grid " + rows + "x" + cols + " is too large");
        }
        return (int) bytes;
    }

    public static PatchMask of(int patchSize, boolean[][] masked) {
        int rows = masked.length;
        int cols = masked[0].length;
        byte[] bits = new byte[byteCount(rows, cols)];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (masked[r][c]) {
                    int i = r * cols + c;
                    bits[i >> 3] |= (byte) (1 << (i & 7));
                }
            }
        }
        return new PatchMask(patchSize, rows, cols, bits);
    }

    public boolean isMasked(int row, int col) {
        int i = row * cols + col;
        return (bits[i >> 3] & (1 << (i & 7))) != 0;
    }

    public int maskedCount() {
        int n = 0;
        for (byte b : bits) {
            n += Integer.bitCount(b & 0xFF);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatchMask m && patchSize == m.patchSize && rows == m.rows && cols == m.cols
                && Arrays.equals(bits, m.bits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(patchSize, rows, cols) * 31 + Arrays.hashCode(bits);
    }
}
