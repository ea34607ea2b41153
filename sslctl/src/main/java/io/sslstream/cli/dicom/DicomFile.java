package io.sslstream.cli.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A small reader of DICOM Part 10 files for {@code sslctl load-dicom}: the image attributes ({@link DicomImage}) and
 * the native pixel data, of the two uncompressed little-endian transfer syntaxes (implicit VR
 * {@value #IMPLICIT_LE} and explicit VR {@value #EXPLICIT_LE}). No Java DICOM library on Maven Central fitted (dcm4che
 * is not published there).
 *
 * <p>What it leaves out, each a {@link DicomException} with its reason: compressed transfer syntaxes (JPEG, JPEG-LS,
 * JPEG 2000, RLE, deflate) and explicit VR big endian ({@link DicomException#UNSUPPORTED_TRANSFER_SYNTAX}: load such
 * files through Orthanc, which decodes them), files without the Part 10 header ({@link DicomException#NOT_DICOM}),
 * and the pixel formats {@link DicomImage#check} refuses. It reads top-level elements only, skipping sequences
 * (defined or undefined length) without looking into them, and keeps only the attributes it needs: the values of
 * every other element, patient data among them, are skipped unread.
 */
public final class DicomFile {

    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");
    private static final int UNDEFINED = -1;

    private static final int SOP_INSTANCE_UID = 0x00080018;
    private static final int SAMPLES_PER_PIXEL = 0x00280002;
    private static final int PHOTOMETRIC = 0x00280004;
    private static final int PLANAR_CONFIGURATION = 0x00280006;
    private static final int NUMBER_OF_FRAMES = 0x00280008;
    private static final int ROWS = 0x00280010;
    private static final int COLUMNS = 0x00280011;
    private static final int BITS_ALLOCATED = 0x00280100;
    private static final int BITS_STORED = 0x00280101;
    private static final int PIXEL_REPRESENTATION = 0x00280103;
    private static final int WINDOW_CENTER = 0x00281050;
    private static final int WINDOW_WIDTH = 0x00281051;
    private static final int RESCALE_INTERCEPT = 0x00281052;
    private static final int RESCALE_SLOPE = 0x00281053;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final Set<Integer> WANTED = Set.of(SOP_INSTANCE_UID, SAMPLES_PER_PIXEL, PHOTOMETRIC, PLANAR_CONFIGURATION,
            NUMBER_OF_FRAMES, ROWS, COLUMNS, BITS_ALLOCATED, BITS_STORED, PIXEL_REPRESENTATION, WINDOW_CENTER, WINDOW_WIDTH,
            RESCALE_INTERCEPT, RESCALE_SLOPE);

    /**
     * An image read from a file.
     *
     * @param image      its attributes
     * @param pixelData  the native pixel data: frames one after another, each {@code rows*columns*samples} values
     * @param planar     planar configuration 1 (RGB as three planes per frame)
     */
    public record Read(DicomImage image, ByteBuffer pixelData, boolean planar) {

        /** Frame {@code n}'s 8-bit values, HWC. */
        public byte[] frame8(int n) {
            int per = image.valuesPerFrame();
            byte[] out = new byte[per];
            ByteBuffer b = pixelData.duplicate();
            b.position(n * per);
            b.get(out);
            if (planar && image.samplesPerPixel() == 3) {
                byte[] hwc = new byte[per];
                int plane = image.rows() * image.columns();
                for (int i = 0; i < plane; i++) {
                    for (int c = 0; c < 3; c++) {
                        hwc[i * 3 + c] = out[c * plane + i];
                    }
                }
                return hwc;
            }
            return out;
        }

        /** Frame {@code n}'s 16-bit values. */
        public short[] frame16(int n) {
            int per = image.valuesPerFrame();
            short[] out = new short[per];
            ByteBuffer b = pixelData.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            b.position(n * per * 2);
            b.asShortBuffer().get(out);
            return out;
        }
    }

    private DicomFile() {
    }

    /** Reads a file's bytes; every problem is a {@link DicomException} with its reason. */
    public static Read read(byte[] bytes, int maxRecordBytes) throws DicomException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 132 || bytes[128] != 'D' || bytes[129] != 'I' || bytes[130] != 'C' || bytes[131] != 'M') {
            throw new DicomException(DicomException.NOT_DICOM, "no 'DICM' after a 128-byte preamble: not a DICOM Part 10 file");
        }
        b.position(132);
        // file meta information: explicit VR little endian, group 0002
        String transferSyntax = null;
        while (b.remaining() >= 4 && (b.getShort(b.position()) & 0xFFFF) == 0x0002) {
            Element e = element(b, true);
            if (e.tag == 0x00020010) {
                transferSyntax = string(b, e);
                b.position(b.position() + e.length);
            } else {
                skip(b, e, true);
            }
        }
        if (transferSyntax == null) {
            throw new DicomException(DicomException.NOT_DICOM, "the file meta information has no transfer syntax (0002,0010)");
        }
        boolean explicit;
        if (transferSyntax.equals(EXPLICIT_LE)) {
            explicit = true;
        } else if (transferSyntax.equals(IMPLICIT_LE)) {
            explicit = false;
        } else {
            throw new DicomException(DicomException.UNSUPPORTED_TRANSFER_SYNTAX, "transfer syntax " + transferSyntax
                    + " (" + syntaxName(transferSyntax) + ") is not read here, only " + IMPLICIT_LE + " and " + EXPLICIT_LE
                    + " (uncompressed little endian); load such files through Orthanc (./stack --source orthanc), which decodes them");
        }
        Map<Integer, String> attrs = new HashMap<>();
        ByteBuffer pixels = null;
        while (b.remaining() > 0) {
            Element e = element(b, explicit);
            if (e.tag == PIXEL_DATA) {
                if (e.length == UNDEFINED) {
                    throw new DicomException(DicomException.UNSUPPORTED_TRANSFER_SYNTAX, "encapsulated (compressed) pixel data"
                            + " in an uncompressed transfer syntax");
                }
                need(b, e.length, "the pixel data");
                pixels = b.slice(b.position(), e.length);
                break;
            }
            if (WANTED.contains(e.tag)) {
                need(b, e.length, "an element");
                attrs.put(e.tag, isBinaryUs(e, explicit) ? Integer.toString(b.getShort(b.position()) & 0xFFFF) : string(b, e));
                b.position(b.position() + e.length);
            } else {
                skip(b, e, explicit);
            }
        }
        if (pixels == null) {
            throw new DicomException(DicomException.NO_PIXEL_DATA, "no pixel data (7FE0,0010)");
        }
        String uid = attrs.get(SOP_INSTANCE_UID);
        if (uid == null || uid.isBlank()) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, "no SOP Instance UID (0008,0018)");
        }
        DicomImage image = new DicomImage(uid.trim(), intOf(attrs, ROWS, -1), intOf(attrs, COLUMNS, -1),
                intOf(attrs, NUMBER_OF_FRAMES, 1), intOf(attrs, SAMPLES_PER_PIXEL, 1), intOf(attrs, BITS_ALLOCATED, -1),
                intOf(attrs, BITS_STORED, intOf(attrs, BITS_ALLOCATED, -1)), intOf(attrs, PIXEL_REPRESENTATION, 0) == 1,
                attrs.getOrDefault(PHOTOMETRIC, "").trim(),
                DicomImage.firstNumber(attrs.get(RESCALE_SLOPE), 1), DicomImage.firstNumber(attrs.get(RESCALE_INTERCEPT), 0),
                DicomImage.firstNumber(attrs.get(WINDOW_CENTER), Double.NaN),
                DicomImage.firstNumber(attrs.get(WINDOW_WIDTH), Double.NaN)).sanitized();
        image.check(maxRecordBytes);
        long needed = (long) image.valuesPerFrame() * image.frames() * (image.bitsAllocated() / 8);
        if (pixels.remaining() < needed) {
            throw new DicomException(DicomException.TRUNCATED, "the pixel data has " + pixels.remaining() + " bytes, "
                    + image.describe() + " need " + needed);
        }
        return new Read(image, pixels, intOf(attrs, PLANAR_CONFIGURATION, 0) == 1);
    }

    private record Element(int tag, String vr, int length) {
    }

    private static Element element(ByteBuffer b, boolean explicit) throws DicomException {
        need(b, 8, "an element header");
        int group = b.getShort() & 0xFFFF;
        int elem = b.getShort() & 0xFFFF;
        int tag = (group << 16) | elem;
        if (group == 0xFFFE) { // item or delimiter: always a 4-byte length
            return new Element(tag, null, b.getInt());
        }
        if (!explicit) {
            return new Element(tag, null, b.getInt());
        }
        String vr = new String(new byte[] {b.get(), b.get()}, StandardCharsets.US_ASCII);
        if (LONG_VRS.contains(vr)) {
            need(b, 6, "an element header");
            b.getShort();
            return new Element(tag, vr, b.getInt());
        }
        return new Element(tag, vr, b.getShort() & 0xFFFF);
    }

    /** Skips an element's value; a sequence or item of undefined length up to its delimiter. */
    private static void skip(ByteBuffer b, Element e, boolean explicit) throws DicomException {
        if (e.length != UNDEFINED) {
            if (e.length < 0) {
                throw new DicomException(DicomException.TRUNCATED, "an element declares " + Integer.toUnsignedString(e.length)
                        + " bytes");
            }
            need(b, e.length, "an element");
            b.position(b.position() + e.length);
            return;
        }
        // undefined length: a sequence (or an item) made of elements up to its delimitation item
        int end = e.tag == 0xFFFEE000 ? 0xFFFEE00D : 0xFFFEE0DD;
        while (true) {
            Element inner = element(b, explicit);
            if (inner.tag == end) {
                return;
            }
            skip(b, inner, explicit);
        }
    }

    private static boolean isBinaryUs(Element e, boolean explicit) {
        // US attributes: rows, columns, samples, bits, pixel representation, planar configuration
        return e.length == 2 && (explicit ? "US".equals(e.vr) : switch (e.tag) {
            case SAMPLES_PER_PIXEL, PLANAR_CONFIGURATION, ROWS, COLUMNS, BITS_ALLOCATED, BITS_STORED, PIXEL_REPRESENTATION -> true;
            default -> false;
        });
    }

    /** An element's value as text, read in place (the position does not move). */
    private static String string(ByteBuffer b, Element e) throws DicomException {
        need(b, e.length, "an element");
        byte[] v = new byte[e.length];
        b.get(b.position(), v); // read in place: the caller moves on
        String s = new String(v, StandardCharsets.US_ASCII);
        int nul = s.indexOf('\0');
        return (nul >= 0 ? s.substring(0, nul) : s).trim();
    }

    private static int intOf(Map<Integer, String> attrs, int tag, int fallback) throws DicomException {
        String v = attrs.get(tag);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, String.format("(%04X,%04X) '%s' is not an integer",
                    tag >>> 16, tag & 0xFFFF, v.trim()));
        }
    }

    private static void need(ByteBuffer b, long n, String what) throws DicomException {
        if (n < 0 || n > b.remaining()) {
            throw new DicomException(DicomException.TRUNCATED, "the file ends inside " + what + " at byte " + b.position()
                    + " (" + n + " bytes needed, " + b.remaining() + " left)");
        }
    }

    /** A name for the transfer syntaxes an operator is likely to meet. */
    static String syntaxName(String uid) {
        return switch (uid) {
            case "1.2.840.10008.1.2.2" -> "explicit VR big endian";
            case "1.2.840.10008.1.2.1.99" -> "deflated explicit VR little endian";
            case "1.2.840.10008.1.2.5" -> "RLE lossless";
            case "1.2.840.10008.1.2.4.50" -> "JPEG baseline";
            case "1.2.840.10008.1.2.4.51" -> "JPEG extended";
            case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70" -> "JPEG lossless";
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "JPEG-LS";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "JPEG 2000";
            default -> "not an uncompressed little-endian syntax";
        };
    }
}
