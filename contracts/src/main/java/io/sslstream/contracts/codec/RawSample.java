package io.sslstream.contracts.codec;

import io.sslstream.contracts.SampleIds;

import java.util.Arrays;
import java.util.Objects;

/**
 * One unlabeled sample as it travels on {@code ssl.samples.raw}.
 *
 * <p>Wire format v1 (big-endian), documented for any Kafka producer in {@code docs/architecture.md}:
 * <pre>
 * magic        4 bytes  "SSLR"
 * version      u8       1
 * flags        u8       0 (reserved)
 * sampleId     u16 length + UTF-8
 * dataset      u16 length + UTF-8
 * sourceUri    u16 length + UTF-8 (may be empty)
 * contentType  u16 length + UTF-8 ({@value #PIXELS_U8}, {@value #PIXELS_16}, image/png or image/jpeg)
 * height       u32      (pixels; 0 = unknown for encoded images)
 * width        u32
 * channels     u8       (1 or 3; 0 = unknown for encoded images)
 * payloadLen   u32
 * payload      bytes    (raw pixels: uint8, row-major HWC, exactly height*width*channels bytes;
 *                        16-bit medical pixels: a {@link Pixels16} payload, channels 1)
 * </pre>
 *
 * <p>{@value #PIXELS_16} was added within v1: a reader that predates it dead-letters such a record as an unsupported
 * content type, and every v1 record it read before reads the same now.
 *
 * <p>The sample id and the dataset name follow {@link SampleIds}' rule, here and on the wire: the constructor refuses
 * others with an {@link IllegalArgumentException}, and {@link #decode} with a {@link CodecException} whose reason is
 * {@value #INVALID_SAMPLE_ID} or {@value #INVALID_DATASET} ({@code empty} for an empty id).
 *
 * @param sampleId    stable id, also the Kafka key ({@link SampleIds})
 * @param dataset     name of the source dataset or stream ({@link SampleIds})
 * @param sourceUri   where the sample came from (file, URL), may be empty
 * @param contentType {@value #PIXELS_U8} for raw pixels, or an image media type
 * @param height      image height, 0 if unknown (encoded images)
 * @param width       image width, 0 if unknown (encoded images)
 * @param channels    1 (grayscale) or 3 (RGB), 0 if unknown (encoded images)
 * @param payload     the pixels or the encoded image bytes
 */
public record RawSample(String sampleId, String dataset, String sourceUri, String contentType,
                        int height, int width, int channels, byte[] payload) {

    /** Content type of raw uint8 pixels in HWC order. */
    public static final String PIXELS_U8 = "application/x-ssl-pixels-u8";

    /**
     * Content type of one frame of 16-bit grayscale medical pixels with its rescale and window: a {@link Pixels16}
     * payload, 1 channel.
     */
    public static final String PIXELS_16 = "application/x-ssl-pixels-16";

    /** {@link CodecException#reason()} of a record whose sample id breaks {@link SampleIds}' rule. */
    public static final String INVALID_SAMPLE_ID = "invalid-sample-id";
    /** {@link CodecException#reason()} of a record whose dataset name breaks {@link SampleIds}' rule. */
    public static final String INVALID_DATASET = "invalid-dataset";

    static final byte[] MAGIC = {'S', 'S', 'L', 'R'};
    /** The only wire version this build reads and writes. */
    public static final int VERSION = 1;
    private static final String RECORD = "RawSample";

    public RawSample {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(payload, "payload");
        sourceUri = sourceUri == null ? "" : sourceUri;
        if (sampleId.isEmpty()) {
            throw new IllegalArgumentException("sampleId must not be empty");
        }
        SampleIds.requireSampleId(sampleId);
        SampleIds.requireDataset(dataset);
        if (height < 0 || width < 0 || channels < 0 || channels > 255) {
            throw new IllegalArgumentException("bad shape " + height + "x" + width + "x" + channels);
        }
        if (PIXELS_U8.equals(contentType) && (long) height * width * channels != payload.length) {
            throw new IllegalArgumentException("pixel payload has " + payload.length + " bytes, shape "
                    + height + "x" + width + "x" + channels + " needs " + (long) height * width * channels);
        }
        if (PIXELS_16.equals(contentType) && (channels != 1 || Pixels16.payloadLength(height, width) != payload.length)) {
            throw new IllegalArgumentException("16-bit pixel payload has " + payload.length + " bytes, shape " + height + "x"
                    + width + "x" + channels + " needs channels 1 and " + Pixels16.payloadLength(height, width));
        }
    }

    /** One frame of 16-bit medical pixels ({@value #PIXELS_16}). */
    public static RawSample pixels16(String sampleId, String dataset, String sourceUri, Pixels16 frame) {
        return new RawSample(sampleId, dataset, sourceUri, PIXELS_16, frame.height(), frame.width(), 1, frame.encode());
    }

    /** Raw pixels of a known shape. */
    public static RawSample pixels(String sampleId, String dataset, String sourceUri,
                                   int height, int width, int channels, byte[] pixels) {
        return new RawSample(sampleId, dataset, sourceUri, PIXELS_U8, height, width, channels, pixels);
    }

    public boolean isRawPixels() {
        return PIXELS_U8.equals(contentType);
    }

    public byte[] encode() {
        int size = 4 + 1 + 1 + BinaryWriter.str16Size(sampleId) + BinaryWriter.str16Size(dataset)
                + BinaryWriter.str16Size(sourceUri) + BinaryWriter.str16Size(contentType)
                + 4 + 4 + 1 + 4 + payload.length;
        return new BinaryWriter(size)
                .bytes(MAGIC).u8(VERSION).u8(0)
                .str16(sampleId).str16(dataset).str16(sourceUri).str16(contentType)
                .u32(height).u32(width).u8(channels)
                .u32(payload.length).bytes(payload)
                .done();
    }

    /** Decodes a v1 record; any malformation is a {@link CodecException} naming the field. */
    public static RawSample decode(byte[] bytes) {
        BinaryReader r = new BinaryReader(RECORD, bytes);
        r.magic("magic", MAGIC);
        int version = r.u8("version");
        if (version != VERSION) {
            throw new CodecException(RECORD, "version", "bad-version", "unsupported version " + version + ", this build reads " + VERSION);
        }
        r.u8("flags");
        String sampleId = r.str16("sampleId");
        if (sampleId.isEmpty()) {
            throw new CodecException(RECORD, "sampleId", "empty", "sample id must not be empty");
        }
        SampleIds.sampleIdProblem(sampleId).ifPresent(p -> {
            throw new CodecException(RECORD, "sampleId", INVALID_SAMPLE_ID, p);
        });
        String dataset = r.str16("dataset");
        SampleIds.datasetProblem(dataset).ifPresent(p -> {
            throw new CodecException(RECORD, "dataset", INVALID_DATASET, p);
        });
        String sourceUri = r.str16("sourceUri");
        String contentType = r.str16("contentType");
        int height = r.u32("height");
        int width = r.u32("width");
        int channels = r.u8("channels");
        int len = r.u32("payloadLen");
        byte[] payload = r.bytes("payload", len);
        r.end();
        if (PIXELS_U8.equals(contentType) && (long) height * width * channels != len) {
            throw new CodecException(RECORD, "payload", "shape-mismatch", "payload has " + len
                    + " bytes but shape " + height + "x" + width + "x" + channels + " needs " + (long) height * width * channels);
        }
        if (PIXELS_16.equals(contentType) && (channels != 1 || Pixels16.payloadLength(height, width) != len)) {
            throw new CodecException(RECORD, "payload", "shape-mismatch", "16-bit payload has " + len + " bytes but shape "
                    + height + "x" + width + "x" + channels + " needs channels 1 and " + Pixels16.payloadLength(height, width));
        }
        return new RawSample(sampleId, dataset, sourceUri, contentType, height, width, channels, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawSample s && sampleId.equals(s.sampleId) && dataset.equals(s.dataset)
                && sourceUri.equals(s.sourceUri) && contentType.equals(s.contentType) && height == s.height
                && width == s.width && channels == s.channels && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleId, dataset, sourceUri, contentType, height, width, channels) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "RawSample[" + sampleId + ", " + dataset + ", " + contentType + ", " + height + "x" + width + "x" + channels
                + ", " + payload.length + " bytes]";
    }
}
