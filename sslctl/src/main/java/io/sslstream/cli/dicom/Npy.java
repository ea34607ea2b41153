package io.sslstream.cli.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} array as Orthanc's {@code /instances/{id}/frames/{n}/numpy} answers it: version 1 or 2 header,
 * C order, dtype {@code |u1}, {@code <u2} or {@code <i2}, shape {@code (rows, columns, samples)}. Anything else is
 * refused with a message that says what came.
 *
 * @param dtype the NumPy dtype string
 * @param shape the shape
 * @param data  the values, little endian, in C order
 */
record Npy(String dtype, int[] shape, ByteBuffer data) {

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static Npy parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xFF) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U' || bytes[3] != 'M'
                || bytes[4] != 'P' || bytes[5] != 'Y') {
            throw new IllegalArgumentException("not a .npy array (" + bytes.length + " bytes)");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            start = 10;
        } else {
            headerLen = b.getInt(8);
            start = 12;
        }
        if (headerLen < 0 || start + headerLen > bytes.length) {
            throw new IllegalArgumentException("a .npy header of " + headerLen + " bytes in " + bytes.length);
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find() || o.group(1).equals("True")) {
            throw new IllegalArgumentException("a .npy header this reader does not take: " + header.trim());
        }
        String[] dims = s.group(1).split(",");
        int n = 0;
        int[] shape = new int[3];
        for (String dim : dims) {
            if (!dim.isBlank()) {
                if (n == 3) {
                    throw new IllegalArgumentException("a .npy array of more than 3 dimensions: " + s.group(1));
                }
                shape[n++] = Integer.parseInt(dim.trim());
            }
        }
        if (n == 2) {
            shape[2] = 1;
        } else if (n != 3) {
            throw new IllegalArgumentException("a .npy array of shape (" + s.group(1) + ")");
        }
        int size = switch (d.group(1)) {
            case "|u1", "<u1" -> 1;
            case "<u2", "<i2" -> 2;
            default -> throw new IllegalArgumentException("pixel type " + d.group(1) + ", not uint8, uint16 or int16");
        };
        long need = (long) shape[0] * shape[1] * shape[2] * size;
        ByteBuffer data = ByteBuffer.wrap(bytes, start + headerLen, bytes.length - start - headerLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (data.remaining() != need) {
            throw new IllegalArgumentException("a .npy array of shape " + shape[0] + "x" + shape[1] + "x" + shape[2] + " with "
                    + data.remaining() + " data bytes, " + need + " expected");
        }
        return new Npy(d.group(1), shape, data);
    }

    boolean sixteenBit() {
        return dtype.endsWith("2");
    }

    boolean signed() {
        return dtype.equals("<i2");
    }

    byte[] bytes8() {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    short[] values16() {
        short[] out = new short[data.remaining() / 2];
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }
}
