package io.sslstream.eval.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes NumPy {@code .npy} files (format 1.0): the magic {@code \x93NUMPY}, version 1.0, a little-endian u16 header
 * length, an ASCII header dict padded with spaces to a multiple of 64 bytes and ended by a newline, then the data
 * in C order, little-endian. Read with {@code numpy.load}.
 */
public final class Npy {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /** A {@code (rows, cols)} float32 matrix ({@code <f4}), row-major {@code data}. */
    public static void writeFloats(Path file, float[] data, int rows, int cols) throws IOException {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " needs " + ((long) rows * cols) + " values, got " + data.length);
        }
        write(file, "<f4", "(" + rows + ", " + cols + ")", out -> {
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : data) {
                if (!b.hasRemaining()) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
                b.putFloat(v);
            }
            out.write(b.array(), 0, b.position());
        });
    }

    /** A vector of int64 ({@code <i8}), as labels are in NumPy and PyTorch. */
    public static void writeLongs(Path file, int[] data) throws IOException {
        write(file, "<i8", "(" + data.length + ",)", out -> {
            ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : data) {
                b.putLong(v);
            }
            out.write(b.array());
        });
    }

    /** The header of a file: magic, version, length, dict, padding. */
    static byte[] header(String descr, String shape) {
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        if (text.length() > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long: " + text.length());
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary sibling first, so that a reader never sees half a file. */
    private static void write(Path file, String descr, String shape, Body body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            out.write(header(descr, shape));
            body.write(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
