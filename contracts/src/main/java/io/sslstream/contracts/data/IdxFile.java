package io.sslstream.contracts.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A uint8 tensor in the IDX format of MNIST and Fashion-MNIST ({@code *-ubyte}, optionally gzip-compressed):
 * images are {@code (n, rows, cols)}, labels are {@code (n)}.
 *
 * @param dims  dimensions, first the item count
 * @param data  all items, row-major
 */
public record IdxFile(int[] dims, byte[] data) {

    private static final int UBYTE = 0x08;

    public int count() {
        return dims[0];
    }

    /** Bytes per item (rows x cols for images, 1 for labels). */
    public int itemSize() {
        int s = 1;
        for (int i = 1; i < dims.length; i++) {
            s *= dims[i];
        }
        return s;
    }

    /** A copy of item {@code i}'s bytes. */
    public byte[] item(int i) {
        int size = itemSize();
        return Arrays.copyOfRange(data, i * size, (i + 1) * size);
    }

    /** Label {@code i} of a labels file. */
    public int label(int i) {
        return data[i] & 0xFF;
    }

    /**
     * Reads a whole IDX file (gzip is detected by its magic bytes), at most {@code limit} items.
     *
     * @throws IOException with the file name and what is wrong for anything but a uint8 IDX tensor
     */
    public static IdxFile read(Path file, int limit) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
            int zero = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int ndim = in.readUnsignedByte();
            if (zero != 0 || type != UBYTE || ndim < 1 || ndim > 4) {
                throw new IOException(file + ": not a uint8 IDX file (magic 0x" + Integer.toHexString(zero << 16 | type << 8 | ndim) + ")");
            }
            int[] dims = new int[ndim];
            for (int i = 0; i < ndim; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new IOException(file + ": negative dimension " + i);
                }
            }
            int n = Math.min(dims[0], Math.max(0, limit));
            long itemSize = 1;
            for (int i = 1; i < ndim; i++) {
                itemSize *= dims[i];
            }
            if (n * itemSize > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": " + n + " items of " + itemSize + " bytes do not fit in memory at once");
            }
            byte[] data = new byte[(int) (n * itemSize)];
            try {
                in.readFully(data);
            } catch (EOFException e) {
                throw new IOException(file + ": truncated, header announces " + dims[0] + " items of " + itemSize + " bytes");
            }
            dims[0] = n;
            return new IdxFile(dims, data);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }
}
