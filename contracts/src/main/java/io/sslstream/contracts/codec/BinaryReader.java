package io.sslstream.contracts.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bounds-checked big-endian reader; every failure is a {@link CodecException} naming the field. */
final class BinaryReader {

    private final String record;
    private final ByteBuffer buf;

    BinaryReader(String record, byte[] bytes) {
        if (bytes == null) {
            throw new CodecException(record, "<record>", "null", "record value is null");
        }
        this.record = record;
        this.buf = ByteBuffer.wrap(bytes);
    }

    private void need(String field, int n) {
        if (buf.remaining() < n) {
            throw new CodecException(record, field, "truncated",
                    "need " + n + " bytes, " + buf.remaining() + " remain (offset " + buf.position() + ")");
        }
    }

    void magic(String field, byte[] expected) {
        need(field, expected.length);
        for (byte b : expected) {
            if (buf.get() != b) {
                throw new CodecException(record, field, "bad-magic",
                        "expected '" + new String(expected, StandardCharsets.US_ASCII) + "'");
            }
        }
    }

    int u8(String field) {
        need(field, 1);
        return buf.get() & 0xFF;
    }

    int u16(String field) {
        need(field, 2);
        return buf.getShort() & 0xFFFF;
    }

    /** An unsigned 32-bit value that must fit in an int (we never need more). */
    int u32(String field) {
        need(field, 4);
        int v = buf.getInt();
        if (v < 0) {
            throw new CodecException(record, field, "out-of-range", "value " + Integer.toUnsignedString(v) + " exceeds 2^31-1");
        }
        return v;
    }

    long i64(String field) {
        need(field, 8);
        return buf.getLong();
    }

    double f64(String field) {
        need(field, 8);
        return buf.getDouble();
    }

    String str16(String field) {
        int len = u16(field + ".length");
        need(field, len);
        byte[] b = new byte[len];
        buf.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CodecException(record, field, "bad-utf8", "not valid UTF-8");
        }
    }

    /** {@code n} is a long so that hostile dimensions (65535^2 x 255) fail as truncated, not by overflow. */
    byte[] bytes(String field, long n) {
        if (n > buf.remaining()) {
            throw new CodecException(record, field, "truncated",
                    "need " + n + " bytes, " + buf.remaining() + " remain (offset " + buf.position() + ")");
        }
        byte[] b = new byte[(int) n];
        buf.get(b);
        return b;
    }

    void end() {
        if (buf.hasRemaining()) {
            throw new CodecException(record, "<end>", "trailing-bytes", buf.remaining() + " unexpected bytes after the last field");
        }
    }
}
