package io.sslstream.cli.dicom;

import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.RawSample;

import java.util.Locale;

/**
 * The image attributes of a DICOM instance that the platform needs, and nothing else: no patient, study or institution
 * attribute is ever read into it (the SOP Instance UID is turned into a pseudonym by {@link DicomIds} and not kept
 * elsewhere). Both the file reader ({@link DicomFile}) and the Orthanc connector fill it, and it turns one frame's
 * values into a {@link RawSample}: 16-bit grayscale as {@value RawSample#PIXELS_16}, 8-bit gray or RGB as
 * {@value RawSample#PIXELS_U8} (MONOCHROME1 inverted there, since raw 8-bit pixels carry no photometric).
 *
 * @param sopInstanceUid  (0008,0018)
 * @param rows            (0028,0010)
 * @param columns         (0028,0011)
 * @param frames          (0028,0008), 1 when absent
 * @param samplesPerPixel (0028,0002)
 * @param bitsAllocated   (0028,0100)
 * @param bitsStored      (0028,0101)
 * @param signed          (0028,0103) is 1
 * @param photometric     (0028,0004), e.g. MONOCHROME2
 * @param slope           (0028,1053), 1 when absent
 * @param intercept       (0028,1052), 0 when absent
 * @param windowCenter    first value of (0028,1050), NaN when absent
 * @param windowWidth     first value of (0028,1051), NaN when absent
 */
public record DicomImage(String sopInstanceUid, int rows, int columns, int frames, int samplesPerPixel, int bitsAllocated,
                         int bitsStored, boolean signed, String photometric, double slope, double intercept,
                         double windowCenter, double windowWidth) {

    /** Largest rows x columns of a frame, the augmenter's default pixel limit. */
    public static final long MAX_PIXELS = 16_777_216L;
    /** Most frames in one instance. */
    public static final int MAX_FRAMES = 100_000;

    /**
     * Checks that the platform takes these pixels and that one frame's record fits {@code maxRecordBytes}: every
     * refusal names its reason ({@link DicomException#TOO_LARGE}, {@link DicomException#UNSUPPORTED_PIXELS}).
     */
    public void check(int maxRecordBytes) throws DicomException {
        if (rows <= 0 || columns <= 0 || rows > 0xFFFF || columns > 0xFFFF || (long) rows * columns > MAX_PIXELS) {
            throw new DicomException(DicomException.TOO_LARGE, "a " + rows + "x" + columns + " frame: sides must be 1 to 65535"
                    + " and rows x columns at most " + MAX_PIXELS);
        }
        if (frames <= 0 || frames > MAX_FRAMES) {
            throw new DicomException(DicomException.TOO_LARGE, frames + " frames: must be 1 to " + MAX_FRAMES);
        }
        boolean gray = samplesPerPixel == 1 && (photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"));
        boolean rgb = samplesPerPixel == 3 && photometric.equals("RGB") && bitsAllocated == 8;
        if (!(gray && (bitsAllocated == 8 || bitsAllocated == 16)) && !rgb) {
            throw new DicomException(DicomException.UNSUPPORTED_PIXELS, samplesPerPixel + " samples per pixel, "
                    + bitsAllocated + " bits allocated, " + photometric + ": the platform takes 8- or 16-bit MONOCHROME1/2"
                    + " and 8-bit RGB");
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, "bits stored " + bitsStored + " with " + bitsAllocated
                    + " bits allocated");
        }
        long record = bitsAllocated == 16 ? Pixels16.payloadLength(rows, columns) : (long) rows * columns * samplesPerPixel;
        if (record + 1024 > maxRecordBytes) {
            throw new DicomException(DicomException.TOO_LARGE, "a " + rows + "x" + columns + "x" + samplesPerPixel + " frame of "
                    + bitsAllocated + " bits needs a record of about " + record + " bytes, more than the " + maxRecordBytes
                    + " a record may hold");
        }
    }

    /** Values per frame: rows x columns x samples. */
    public int valuesPerFrame() {
        return rows * columns * samplesPerPixel;
    }

    /**
     * One frame as a raw sample.
     *
     * @param values8  the 8-bit frame (HWC), or null
     * @param values16 the 16-bit frame, or null; values above {@code bitsStored} bits are masked (unsigned) or sign
     *                 extended (signed) here
     */
    public RawSample sample(String sampleId, String dataset, byte[] values8, short[] values16) {
        if (bitsAllocated == 16) {
            short[] v = values16.clone();
            if (bitsStored < 16) {
                int shift = 32 - bitsStored;
                for (int i = 0; i < v.length; i++) {
                    v[i] = (short) (signed ? (v[i] << shift) >> shift : (v[i] & 0xFFFF) & ((1 << bitsStored) - 1));
                }
            }
            return RawSample.pixels16(sampleId, dataset, "", new Pixels16(rows, columns, signed,
                    photometric.equals("MONOCHROME1"), bitsStored, slope, intercept, windowCenter, windowWidth, v));
        }
        byte[] v = values8;
        if (photometric.equals("MONOCHROME1")) {
            v = values8.clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) (255 - (v[i] & 0xFF));
            }
        }
        return RawSample.pixels(sampleId, dataset, "", rows, columns, samplesPerPixel, v);
    }

    /** A short description for logs, without the UID: {@code 512x512 x1 frame(s), 16 bits (12 stored) signed MONOCHROME2}. */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%d x%d frame(s), %d bits (%d stored)%s %s", rows, columns, frames,
                bitsAllocated, bitsStored, signed ? " signed" : "", photometric);
    }

    /** The first number of a DICOM decimal string ({@code "40\\400"} gives 40), or {@code fallback} if empty or absent. */
    public static double firstNumber(String ds, double fallback) throws DicomException {
        if (ds == null || ds.isBlank()) {
            return fallback;
        }
        String first = ds.split("\\\\", 2)[0].trim();
        try {
            double d = Double.parseDouble(first);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new DicomException(DicomException.BAD_ATTRIBUTE, "'" + first + "' is not a decimal number in an image attribute");
        }
    }

    /** Checks the window and rescale for the {@link Pixels16} rules: a width below 1 or a slope of 0 drops them. */
    public DicomImage sanitized() {
        double s = slope == 0 ? 1 : slope;
        boolean window = !Double.isNaN(windowCenter) && !Double.isNaN(windowWidth) && windowWidth >= 1;
        return new DicomImage(sopInstanceUid, rows, columns, frames, samplesPerPixel, bitsAllocated, bitsStored, signed,
                photometric, s, intercept, window ? windowCenter : Double.NaN, window ? windowWidth : Double.NaN);
    }
}
