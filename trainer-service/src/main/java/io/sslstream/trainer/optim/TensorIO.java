package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float32 tensors in the trainer's own state entries ({@code optimizer.bin}, method state): rank (u8), dimensions
 * (i64 each), then the values as little-endian float32, row-major. Reading checks the shape against the array it
 * fills, so state of another architecture is refused with the names of both shapes.
 */
public final class TensorIO {

    private static final int CHUNK = 1 << 16;

    private TensorIO() {
    }

    public static void write(DataOutputStream out, NDArray array) throws IOException {
        long[] dims = array.getShape().getShape();
        out.writeByte(dims.length);
        for (long d : dims) {
            out.writeLong(d);
        }
        float[] values = array.toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += CHUNK) {
            int end = Math.min(values.length, start + CHUNK);
            buf.clear();
            buf.asFloatBuffer().put(values, start, end - start);
            out.write(buf.array(), 0, 4 * (end - start));
        }
    }

    /** Reads a tensor into {@code target} (same shape), in place. Call under {@code NoGrad} for parameters. */
    public static void readInto(DataInputStream in, NDArray target, String what) throws IOException {
        Shape shape = readShape(in);
        if (!shape.equals(target.getShape())) {
            throw new IOException(what + ": stored shape " + shape + ", expected " + target.getShape());
        }
        target.set(readValues(in, shape));
    }

    static Shape readShape(DataInputStream in) throws IOException {
        int rank = in.readUnsignedByte();
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
            if (dims[i] < 0) {
                throw new IOException("negative dimension " + dims[i]);
            }
        }
        return new Shape(dims);
    }

    static float[] readValues(DataInputStream in, Shape shape) throws IOException {
        long size = shape.size();
        if (size > Integer.MAX_VALUE / 4) {
            throw new IOException("tensor of shape " + shape + " is too large");
        }
        float[] values = new float[(int) size];
        byte[] bytes = new byte[4 * CHUNK];
        for (int start = 0; start < values.length; start += CHUNK) {
            int n = Math.min(CHUNK, values.length - start);
            in.readFully(bytes, 0, 4 * n);
            ByteBuffer.wrap(bytes, 0, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, start, n);
        }
        return values;
    }
}
