package io.sslstream.contracts.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Big-endian writer into an exactly pre-sized array (sizes are computed before writing). */
final class BinaryWriter {

    private final ByteBuffer buf;

    BinaryWriter(int size) {
        this.buf = ByteBuffer.allocate(size);
    }

    static int str16Size(String s) {
        return 2 + utf8(s).length;
    }

    static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("string longer than 65535 UTF-8 bytes: " + s.substring(0, 40) + "...");
        }
        return b;
    }

    BinaryWriter bytes(byte[] b) {
        buf.put(b);
        return this;
    }

    BinaryWriter u8(int v) {
        buf.put((byte) v);
        return this;
    }

    BinaryWriter u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    BinaryWriter u32(int v) {
        buf.putInt(v);
        return this;
    }

    BinaryWriter i64(long v) {
        buf.putLong(v);
        return this;
    }

    BinaryWriter f64(double v) {
        buf.putDouble(v);
        return this;
    }

    BinaryWriter str16(String s) {
        byte[] b = utf8(s);
        buf.putShort((short) b.length);
        buf.put(b);
        return this;
    }

    byte[] done() {
        if (buf.hasRemaining()) {
            throw new IllegalStateException("encoder size mismatch: " + buf.remaining() + " bytes left unwritten");
        }
        return buf.array();
    }
}
