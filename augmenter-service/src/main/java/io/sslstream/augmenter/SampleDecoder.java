package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.contracts.codec.CodecException;
import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.RawSample;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

import static io.sslstream.augmenter.RejectedSampleException.STAGE_DECODE;

/**
 * Turns the payload of a {@link RawSample} into an 8-bit gray or RGB {@link Image}, or rejects it with a
 * precise reason.
 *
 * <p>Raw pixels are wrapped without a copy. PNG and JPEG are decoded with {@code javax.imageio}; their
 * dimensions are read from the header and checked against the pixel limit (and the caller's own
 * {@link HeaderCheck}) <em>before</em> any pixel is decompressed, so a small file declaring a huge image (a
 * decompression bomb) costs nothing. A PNG's chunks are then walked and their CRCs checked (ImageIO ignores them), and
 * decoding stops when the sample's {@link CpuBudget} runs out.
 */
public final class SampleDecoder {

    /** Content type not among {@link #SUPPORTED_TYPES}. */
    public static final String UNSUPPORTED_CONTENT_TYPE = "image.unsupported-content-type";
    /** Height times width above the configured limit, or a side above 65535 (the {@code View} limit). */
    public static final String TOO_LARGE = "image.too-large";
    /** Height or width zero. */
    public static final String ZERO_DIMENSION = "image.zero-dimension";
    /** A channel count other than 1 or 3. */
    public static final String BAD_CHANNELS = "image.bad-channels";
    /** The payload does not start like an image of its declared content type. */
    public static final String CONTENT_MISMATCH = "image.content-mismatch";
    /** The encoded image ends before its data does. */
    public static final String TRUNCATED = "image.truncated";
    /** The encoded image is damaged in another way. */
    public static final String CORRUPT = "image.corrupt";
    /** The record declares a shape that the decoded image does not have. */
    public static final String SHAPE_MISMATCH = "image.shape-mismatch";
    /** A PNG chunk whose CRC does not match its bytes: the file was damaged on its way. */
    public static final String BAD_CRC = "image.bad-crc";

    /**
     * Prefix of the reasons of a {@value RawSample#PIXELS_16} payload that is not a readable {@link Pixels16}
     * ({@code image.pixels16-bad-magic}, {@code -bad-version}, {@code -bad-flags}, {@code -out-of-range}).
     */
    public static final String PIXELS16_PREFIX = "image.pixels16-";

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    /** Content types this build decodes, besides {@link RawSample#PIXELS_U8}. */
    public static final Set<String> SUPPORTED_TYPES = Set.of(PNG, JPEG);

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    /**
     * The JVM's readers, looked up once: ImageIO's registry lookup costs more than creating a reader, and is shared
     * by every worker thread.
     */
    private static final Map<String, ImageReaderSpi> READERS = readers();

    private static Map<String, ImageReaderSpi> readers() {
        Map<String, ImageReaderSpi> readers = new HashMap<>();
        for (String type : SUPPORTED_TYPES) {
            Iterator<ImageReader> it = ImageIO.getImageReadersByMIMEType(type);
            if (it.hasNext()) {
                ImageReader r = it.next();
                readers.put(type, r.getOriginatingProvider());
                r.dispose();
            }
        }
        return Map.copyOf(readers);
    }

    /** Largest side a {@code View} can hold (u16 on the wire). */
    static final int MAX_SIDE = 0xFFFF;

    private final long maxPixels;

    /** @param maxPixels largest accepted height times width */
    public SampleDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Checks the shape of raw pixels: sides at least 1, within the pixel limit, 1 or 3 channels. */
    public void checkShape(int height, int width, int channels) throws RejectedSampleException {
        checkSize(height, width);
        checkChannels(channels);
    }

    /**
     * A check of an encoded image's height and width, read from its header, before any pixel is decompressed: what a
     * caller knows about sizes that the decoder does not (e.g. how large the views of such an image would be).
     */
    @FunctionalInterface
    public interface HeaderCheck {

        /** Accepts nothing but a header; {@link #decode} calls it for encoded images only. */
        HeaderCheck NONE = (height, width) -> {
        };

        void check(int height, int width) throws RejectedSampleException;
    }

    /**
     * The frame of a {@value RawSample#PIXELS_16} sample (the codec has checked its length against its shape), its
     * shape checked like raw pixels', or a rejection with a precise reason.
     */
    public Pixels16 decodeFrame(RawSample sample) throws RejectedSampleException {
        checkSize(sample.height(), sample.width());
        try {
            return Pixels16.decode(sample.payload(), sample.height(), sample.width());
        } catch (CodecException e) {
            throw reject(PIXELS16_PREFIX + e.reason(), e.getMessage());
        }
    }

    /** The image of a sample, or a rejection with a precise reason. */
    public Image decode(RawSample sample) throws RejectedSampleException {
        return decode(sample, HeaderCheck.NONE, CpuBudget.unlimited());
    }

    /**
     * The image of a sample, or a rejection with a precise reason.
     *
     * @param beforeDecoding run on an encoded image's header dimensions once they passed the pixel limit
     * @param budget         the sample's CPU time: decoding stops ({@link CpuBudget#EXCEEDED}) when it runs out
     */
    public Image decode(RawSample sample, HeaderCheck beforeDecoding, CpuBudget budget) throws RejectedSampleException {
        if (sample.isRawPixels()) {
            checkShape(sample.height(), sample.width(), sample.channels());
            return new Image(sample.height(), sample.width(), sample.channels(), sample.payload());
        }
        if (!SUPPORTED_TYPES.contains(sample.contentType())) {
            throw reject(UNSUPPORTED_CONTENT_TYPE, "content type '" + sample.contentType() + "' is not one of "
                    + RawSample.PIXELS_U8 + ", " + RawSample.PIXELS_16 + ", " + PNG + ", " + JPEG);
        }
        Image image = decodeEncoded(sample, beforeDecoding, budget);
        if ((sample.height() != 0 && sample.height() != image.height()) || (sample.width() != 0 && sample.width() != image.width())
                || (sample.channels() != 0 && sample.channels() != image.channels())) {
            throw reject(SHAPE_MISMATCH, "record declares " + sample.height() + "x" + sample.width() + "x" + sample.channels()
                    + " but the " + sample.contentType() + " image is " + image.height() + "x" + image.width() + "x"
                    + image.channels() + " (0 = unknown)");
        }
        return image;
    }

    /**
     * The height and width of an encoded image from its header alone, checked against the pixel limit, and for a
     * PNG its chunk structure and CRCs: what an ingestion endpoint can check cheaply before it accepts the bytes.
     * Nothing is decompressed.
     *
     * @throws RejectedSampleException with the reason {@link #decode} would give for a bad header
     */
    public int[] probe(String contentType, byte[] payload) throws RejectedSampleException {
        if (!SUPPORTED_TYPES.contains(contentType)) {
            throw reject(UNSUPPORTED_CONTENT_TYPE, "content type '" + contentType + "' is not one of " + PNG + ", " + JPEG);
        }
        return withReader(contentType, payload, HeaderCheck.NONE,
                reader -> new int[] {reader.getHeight(0), reader.getWidth(0)}, false);
    }

    private Image decodeEncoded(RawSample sample, HeaderCheck beforeDecoding, CpuBudget budget) throws RejectedSampleException {
        return withReader(sample.contentType(), sample.payload(), beforeDecoding, reader -> {
            List<String> warnings = new ArrayList<>(1);
            // ImageIO decodes a truncated or damaged JPEG "successfully", filling what is missing with gray, and only
            // warns: a warning is a rejection here, or half-gray images would become training data
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BudgetWatch watch = new BudgetWatch(budget);
            reader.addIIOReadProgressListener(watch);
            BufferedImage img = reader.read(0);
            if (watch.aborted) {
                throw budget.exceeded(STAGE_DECODE, "while decoding the " + reader.getHeight(0) + "x" + reader.getWidth(0)
                        + " " + sample.contentType() + " image (stopped after " + Math.round(watch.percent) + "%)");
            }
            if (!warnings.isEmpty()) {
                String all = String.join("; ", warnings);
                boolean truncated = all.toLowerCase(Locale.ROOT).contains("premature end")
                        || all.toLowerCase(Locale.ROOT).contains("truncated");
                throw reject(truncated ? TRUNCATED : CORRUPT, sample.contentType() + " decoded with warnings: " + all);
            }
            return toHwc(img);
        }, true);
    }

    /**
     * Aborts the read when the sample's budget runs out. ImageIO calls it on the decoding thread (the budget's), once
     * per row for PNG and about every twentieth of the image for JPEG, and stops at the next row after an abort.
     */
    private static final class BudgetWatch implements IIOReadProgressListener {

        private final CpuBudget budget;
        boolean aborted;
        float percent;

        BudgetWatch(CpuBudget budget) {
            this.budget = budget;
        }

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {
            percent = percentageDone;
            if (!aborted && budget.exhausted()) {
                aborted = true;
                source.abort();
            }
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {
        }

        @Override
        public void sequenceComplete(ImageReader source) {
        }

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {
        }

        @Override
        public void imageComplete(ImageReader source) {
        }

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {
        }

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {
        }

        @Override
        public void thumbnailComplete(ImageReader source) {
        }

        @Override
        public void readAborted(ImageReader source) {
        }
    }

    /** What to do with a reader whose input is set and whose header passed the size check. */
    private interface ReaderWork<T> {
        T run(ImageReader reader) throws IOException, RejectedSampleException;
    }

    private <T> T withReader(String type, byte[] payload, HeaderCheck beforeDecoding, ReaderWork<T> work, boolean decoding)
            throws RejectedSampleException {
        ImageReaderSpi spi = READERS.get(type);
        if (spi == null) {
            throw reject(UNSUPPORTED_CONTENT_TYPE, "this JVM has no ImageIO reader for " + type);
        }
        byte[] signature = type.equals(PNG) ? PNG_SIGNATURE : JPEG_SIGNATURE;
        if (!startsLike(payload, signature)) {
            throw reject(CONTENT_MISMATCH, "payload of " + payload.length + " bytes does not start like a " + type + " image");
        }
        ImageReader reader;
        try {
            reader = spi.createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException("ImageIO cannot create a " + type + " reader", e);
        }
        // an in-memory stream: ImageIO's default for input streams may cache in temporary files
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(payload))) {
            if (!reader.getOriginatingProvider().canDecodeInput(in)) {
                throw reject(CONTENT_MISMATCH, "payload of " + payload.length + " bytes does not start like a "
                        + type + " image");
            }
            // ignoreMetadata: metadata chunks (e.g. compressed text) are a bomb vector we do not need
            reader.setInput(in, true, true);
            int height = reader.getHeight(0);
            int width = reader.getWidth(0);
            checkSize(height, width);
            beforeDecoding.check(height, width);
            if (type.equals(PNG)) {
                checkPngChunks(payload);
            }
            return work.run(reader);
        } catch (IOException e) {
            throw reject(endOfInput(e) ? TRUNCATED : CORRUPT, type + (decoding ? " cannot be decoded: " : " header cannot be read: ")
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            // ImageIO's plugins throw unchecked exceptions on some malformed streams
            throw reject(CORRUPT, type + " cannot be decoded: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Walks a PNG's chunks from the signature to {@code IEND}: each must be complete and its CRC (over type and data)
     * must match. ImageIO reads PNGs without checking CRCs, so a damaged file could otherwise decode to wrong pixels;
     * the walk costs one CRC-32 pass over at most a record's bytes. Bytes after {@code IEND} are ignored, as decoders
     * do.
     */
    static void checkPngChunks(byte[] png) throws RejectedSampleException {
        ByteBuffer buf = ByteBuffer.wrap(png);
        CRC32 crc = new CRC32();
        int at = PNG_SIGNATURE.length;
        while (true) {
            if (png.length - at < 12) {
                throw reject(TRUNCATED, "the PNG ends at byte " + png.length + " before its IEND chunk (a chunk needs 12 "
                        + "bytes besides its data, " + (png.length - at) + " remain at byte " + at + ")");
            }
            long length = Integer.toUnsignedLong(buf.getInt(at));
            String type = chunkType(png, at + 4);
            if (type == null) {
                throw reject(CORRUPT, "the PNG chunk at byte " + at + " has a type that is not four ASCII letters");
            }
            if (length > png.length - at - 12L) {
                throw reject(TRUNCATED, "the PNG chunk " + type + " at byte " + at + " declares " + length + " data bytes; "
                        + (png.length - at - 12) + " remain");
            }
            int dataEnd = at + 8 + (int) length;
            crc.reset();
            crc.update(png, at + 4, 4 + (int) length);
            int stored = buf.getInt(dataEnd);
            if ((int) crc.getValue() != stored) {
                throw reject(BAD_CRC, "the PNG chunk " + type + " at byte " + at + " (" + length + " data bytes) has the CRC "
                        + String.format("%08x", stored) + " but its bytes give " + String.format("%08x", (int) crc.getValue())
                        + ": the file was damaged");
            }
            at = dataEnd + 4;
            if (type.equals("IEND")) {
                return;
            }
        }
    }

    private static String chunkType(byte[] png, int at) {
        for (int i = at; i < at + 4; i++) {
            int c = png[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return null;
            }
        }
        return new String(png, at, 4, StandardCharsets.US_ASCII);
    }

    private void checkSize(int height, int width) throws RejectedSampleException {
        if (height <= 0 || width <= 0) {
            throw reject(ZERO_DIMENSION, "image is " + height + "x" + width);
        }
        if ((long) height * width > maxPixels || height > MAX_SIDE || width > MAX_SIDE) {
            throw reject(TOO_LARGE, "image is " + height + "x" + width + " = " + (long) height * width
                    + " pixels; the limit is " + maxPixels + " pixels and " + MAX_SIDE + " per side");
        }
    }

    private static void checkChannels(int channels) throws RejectedSampleException {
        if (channels != 1 && channels != 3) {
            throw reject(BAD_CHANNELS, "raw pixels have " + channels + " channels; 1 (gray) or 3 (RGB) are supported");
        }
    }

    /**
     * Gray images (any bit depth, or a palette of grays) become 1 channel, everything else 3-channel sRGB;
     * alpha is dropped.
     */
    static Image toHwc(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] row = new int[w * 3];
        if (cm.getNumColorComponents() == 1) {
            // raw samples: getRGB would pass linear gray through a gamma curve and change the values
            byte[] out = new byte[h * w];
            int max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0, o = y * w; x < w; x++, o++) {
                    out[o] = (byte) (max == 255 ? row[x] : (row[x] * 255L + max / 2) / max);
                }
            }
            return new Image(h, w, 1, out);
        }
        boolean grayPalette = cm instanceof IndexColorModel icm && isGray(icm);
        byte[] out = new byte[h * w * (grayPalette ? 1 : 3)];
        if (!grayPalette && cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB() && cm.getNumComponents() == 3
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8) {
            // 8-bit RGB (JPEG, PNG truecolour): samples come in R, G, B band order whatever the byte layout
            if (raster.getDataBuffer() instanceof DataBufferByte bytes && bytes.getNumBanks() == 1
                    && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm && sm.getPixelStride() == 3
                    && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0) {
                // what ImageIO's readers return: the bytes read where they lie, without getPixels' int copies
                byte[] data = bytes.getData();
                int[] band = sm.getBandOffsets();
                int stride = sm.getScanlineStride();
                for (int y = 0; y < h; y++) {
                    int from = bytes.getOffset() + y * stride;
                    for (int x = 0, i = from, o = y * w * 3; x < w; x++, i += 3, o += 3) {
                        out[o] = data[i + band[0]];
                        out[o + 1] = data[i + band[1]];
                        out[o + 2] = data[i + band[2]];
                    }
                }
                return new Image(h, w, 3, out);
            }
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int i = 0, o = y * w * 3; i < w * 3; i++, o++) {
                    out[o] = (byte) row[i];
                }
            }
            return new Image(h, w, 3, out);
        }
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            if (grayPalette) {
                for (int x = 0, o = y * w; x < w; x++, o++) {
                    out[o] = (byte) row[x];
                }
            } else {
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int argb = row[x];
                    out[o] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + 2] = (byte) argb;
                }
            }
        }
        return new Image(h, w, grayPalette ? 1 : 3, out);
    }

    /** Low-bit-depth gray PNGs decode to a palette of grays. */
    private static boolean isGray(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            int r = icm.getRed(i);
            if (r != icm.getGreen(i) || r != icm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #PNG} or {@link #JPEG} when the bytes start with that format's signature, else {@code null}: for callers
     * that receive images without a trustworthy content type.
     */
    public static String sniff(byte[] bytes) {
        if (bytes.length >= PNG_SIGNATURE.length && startsLike(bytes, PNG_SIGNATURE)) {
            return PNG;
        }
        if (bytes.length >= JPEG_SIGNATURE.length && startsLike(bytes, JPEG_SIGNATURE)) {
            return JPEG;
        }
        return null;
    }

    /** Whether the bytes agree with the signature as far as both go: a cut-off signature is truncated, not foreign. */
    private static boolean startsLike(byte[] bytes, byte[] signature) {
        int n = Math.min(bytes.length, signature.length);
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endOfInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static RejectedSampleException reject(String reason, String message) {
        return new RejectedSampleException(reason, STAGE_DECODE, message);
    }

    private static RejectedSampleException reject(String reason, String message, Throwable cause) {
        return new RejectedSampleException(reason, STAGE_DECODE, message, cause);
    }
}
