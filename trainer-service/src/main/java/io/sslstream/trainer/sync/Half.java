package io.sslstream.trainer.sync;

/**
 * IEEE 754 half precision (binary16), the wire format of pseudo-gradients: half the bytes of float32, and lossless for
 * DiLoCo in OpenDiLoCo's experiments. Rounds to nearest, ties to even, as a float-to-half cast on a GPU does;
 * subnormals, infinities and NaN are kept (a NaN stays a NaN). Java 17 has no {@code Float.floatToFloat16} (Java 20).
 */
public final class Half {

    private Half() {
    }

    /** The half nearest to {@code f}, as its 16 bits. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7f_ffff;
        if (exp == 0xff) { // infinity or NaN (a NaN keeps a mantissa bit set)
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15; // the half's biased exponent
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00); // too large: infinity
        }
        if (e <= 0) { // a half subnormal, or zero
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            int m = mant | 0x80_0000; // the implicit bit made explicit
            int shift = 14 - e; // 24-bit significand down to the subnormal's 10 bits
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++; // may carry into the smallest normal: still the right bits
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // a carry out of the mantissa steps the exponent, up to infinity: correct rounding
        }
        return (short) (sign | half);
    }

    /** The float of a half's 16 bits (exact: every half is a float). */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal: mant * 2^-24, exact
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
