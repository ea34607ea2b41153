package io.sslstream.cli.dicom;

/**
 * A DICOM instance the platform cannot take, with a machine-readable reason ({@code dicom.<what>}, the dead-letter
 * reason) and a message for an operator. Messages never quote an element's value other than the image attributes
 * (sizes, bits, photometric interpretation, transfer syntax): no patient data.
 */
public final class DicomException extends Exception {

    /** Not a DICOM Part 10 file (no {@code DICM} prefix after the 128-byte preamble). */
    public static final String NOT_DICOM = "dicom.not-dicom";
    /** The file ends inside an element or before the pixel data it declares. */
    public static final String TRUNCATED = "dicom.truncated";
    /** A transfer syntax this reader does not read (compressed, big endian...). */
    public static final String UNSUPPORTED_TRANSFER_SYNTAX = "dicom.unsupported-transfer-syntax";
    /** The pixel data is compressed in a way the decoder (Orthanc) cannot decode. */
    public static final String UNDECODABLE = "dicom.undecodable";
    /** Pixels this platform does not take: more than 16 bits, colour other than 8-bit RGB, palette colour... */
    public static final String UNSUPPORTED_PIXELS = "dicom.unsupported-pixels";
    /** Rows, columns or frames beyond the limits: a frame too large for a record, an absurd declaration. */
    public static final String TOO_LARGE = "dicom.too-large";
    /** An instance without pixel data (a structured report, an RT plan...). */
    public static final String NO_PIXEL_DATA = "dicom.no-pixel-data";
    /** An image attribute missing or malformed (no SOP Instance UID, rows not a number...). */
    public static final String BAD_ATTRIBUTE = "dicom.bad-attribute";
    /** The instance was deleted from the server before it was read. */
    public static final String GONE = "dicom.gone";

    private final String reason;

    public DicomException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
