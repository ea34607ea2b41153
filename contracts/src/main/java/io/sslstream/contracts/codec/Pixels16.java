package io.sslstream.contracts.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The payload of a {@link RawSample} of content type {@value RawSample#PIXELS_16}: one frame of 16-bit grayscale
 * medical pixels (CT, MR, X-ray) as stored, with what it takes to display them. The values are the stored ones;
 * the modality value (Hounsfield units for CT) is {@code stored * rescaleSlope + rescaleIntercept}, and the window
 * is in modality units, as in DICOM (PS3.3 C.11.2.1.2). Nothing that identifies a patient is in here.
 *
 * <p>Payload v1 (big-endian, like the {@link RawSample} around it):
 * <pre>
 * magic            4 bytes  "SSLP"
 * version          u8       1
 * flags            u8       bit 0: signed (two's complement int16), else uint16;
 *                           bit 1: MONOCHROME1 (the lowest value is displayed white); other bits 0
 * bitsStored       u8       1..16 (informative: how many bits the modality used)
 * reserved         u8       0
 * rescaleSlope     f64      finite, not 0 (1 when the image has none)
 * rescaleIntercept f64      finite (0 when the image has none)
 * windowCenter     f64      in modality units; NaN = none (the reader windows by the frame's own range)
 * windowWidth      f64      in modality units, at least 1; NaN = none
 * pixels           height*width values, 2 bytes each, row-major
 * </pre>
 * The {@link RawSample}'s {@code height} and {@code width} give the shape, its {@code channels} is 1 and its
 * {@code payloadLen} is exactly {@value #HEADER_BYTES} + 2 * height * width.
 *
 * @param signed      values are int16 (else uint16)
 * @param monochrome1 the frame is MONOCHROME1: displayed inverted
 * @param bitsStored  bits of each value the modality used, 1..16
 * @param values      height * width stored values, row-major; for uint16 read them with {@code & 0xFFFF}
 */
public record Pixels16(int height, int width, boolean signed, boolean monochrome1, int bitsStored,
                       double rescaleSlope, double rescaleIntercept, double windowCenter, double windowWidth,
                       short[] values) {

    static final byte[] MAGIC = {'S', 'S', 'L', 'P'};
    /** The payload version this build reads and writes. */
    public static final int VERSION = 1;
    /** Bytes before the pixels. */
    public static final int HEADER_BYTES = 4 + 1 + 1 + 1 + 1 + 4 * 8;
    private static final String RECORD = "Pixels16";
    private static final int FLAG_SIGNED = 1;
    private static final int FLAG_MONOCHROME1 = 2;

    public Pixels16 {
        Objects.requireNonNull(values, "values");
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad shape " + height + "x" + width);
        }
        if ((long) height * width != values.length) {
            throw new IllegalArgumentException(values.length + " values for a " + height + "x" + width + " frame");
        }
        String problem = headerProblem(bitsStored, rescaleSlope, rescaleIntercept, windowCenter, windowWidth);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Whether a window is given (else the reader takes the frame's own range). */
    public boolean hasWindow() {
        return !Double.isNaN(windowCenter) && !Double.isNaN(windowWidth);
    }

    /** The stored value at index {@code i}, signed or not as the frame says. */
    public int stored(int i) {
        return signed ? values[i] : values[i] & 0xFFFF;
    }

    /** The payload length of a frame of this shape. */
    public static long payloadLength(long height, long width) {
        return HEADER_BYTES + 2 * height * width;
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter((int) payloadLength(height, width))
                .bytes(MAGIC).u8(VERSION).u8((signed ? FLAG_SIGNED : 0) | (monochrome1 ? FLAG_MONOCHROME1 : 0))
                .u8(bitsStored).u8(0)
                .f64(rescaleSlope).f64(rescaleIntercept).f64(windowCenter).f64(windowWidth);
        for (short v : values) {
            w.u16(v);
        }
        return w.done();
    }

    /**
     * Decodes the payload of a frame of the given shape; any malformation is a {@link CodecException} naming the field
     * ({@code truncated}, {@code bad-magic}, {@code bad-version}, {@code bad-flags}, {@code out-of-range},
     * {@code trailing-bytes}).
     */
    public static Pixels16 decode(byte[] payload, int height, int width) {
        BinaryReader r = new BinaryReader(RECORD, payload);
        r.magic("magic", MAGIC);
        int version = r.u8("version");
        if (version != VERSION) {
            throw new CodecException(RECORD, "version", "bad-version", "unsupported version " + version + ", this build reads " + VERSION);
        }
        int flags = r.u8("flags");
        if ((flags & ~(FLAG_SIGNED | FLAG_MONOCHROME1)) != 0) {
            throw new CodecException(RECORD, "flags", "bad-flags", "unknown flag bits " + Integer.toBinaryString(flags));
        }
        int bitsStored = r.u8("bitsStored");
        r.u8("reserved");
        double slope = r.f64("rescaleSlope");
        double intercept = r.f64("rescaleIntercept");
        double center = r.f64("windowCenter");
        double widthW = r.f64("windowWidth");
        String problem = headerProblem(bitsStored, slope, intercept, center, widthW);
        if (problem != null) {
            throw new CodecException(RECORD, "header", "out-of-range", problem);
        }
        if (height <= 0 || width <= 0) {
            throw new CodecException(RECORD, "pixels", "out-of-range", "bad shape " + height + "x" + width);
        }
        long n = (long) height * width;
        byte[] raw = r.bytes("pixels", 2 * n);
        r.end();
        short[] values = new short[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (((raw[2 * i] & 0xFF) << 8) | (raw[2 * i + 1] & 0xFF));
        }
        return new Pixels16(height, width, (flags & FLAG_SIGNED) != 0, (flags & FLAG_MONOCHROME1) != 0, bitsStored,
                slope, intercept, center, widthW, values);
    }

    private static String headerProblem(int bitsStored, double slope, double intercept, double center, double width) {
        if (bitsStored < 1 || bitsStored > 16) {
            return "bitsStored " + bitsStored + " is not in 1..16";
        }
        if (!Double.isFinite(slope) || slope == 0) {
            return "rescaleSlope " + slope + " is not a finite non-zero number";
        }
        if (!Double.isFinite(intercept)) {
            return "rescaleIntercept " + intercept + " is not finite";
        }
        if (Double.isNaN(center) != Double.isNaN(width)) {
            return "windowCenter and windowWidth are both given or both NaN, got " + center + " and " + width;
        }
        if (!Double.isNaN(center) && (!Double.isFinite(center) || !Double.isFinite(width) || width < 1)) {
            return "window " + center + "/" + width + ": the centre must be finite and the width finite and at least 1";
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pixels16 p && height == p.height && width == p.width && signed == p.signed
                && monochrome1 == p.monochrome1 && bitsStored == p.bitsStored
                && Double.compare(rescaleSlope, p.rescaleSlope) == 0 && Double.compare(rescaleIntercept, p.rescaleIntercept) == 0
                && Double.compare(windowCenter, p.windowCenter) == 0 && Double.compare(windowWidth, p.windowWidth) == 0
                && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, signed, monochrome1, bitsStored, rescaleSlope, rescaleIntercept, windowCenter,
                windowWidth) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Pixels16[" + height + "x" + width + (signed ? " int16" : " uint16") + (monochrome1 ? " MONOCHROME1" : "")
                + ", rescale " + rescaleSlope + "/" + rescaleIntercept + ", window " + windowCenter + "/" + windowWidth + "]";
    }
}
