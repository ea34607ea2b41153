package io.sslstream.augmenter.rest;

import io.quarkus.logging.Log;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.config.AugmenterConfig;
import io.sslstream.augmenter.messaging.SampleSender;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.service.rest.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/samples}: images and raw pixels in over HTTP, out to {@code ssl.samples.raw} as
 * {@code RawSample}s keyed by sample id. Answers 202 with the ids once the broker has stored every sample.
 *
 * <p>The request is checked here only as far as it is cheap: content type, size, an image header that can be read
 * and its pixel count, the shape of raw pixels. Decoding happens in the stream, where a sample that still fails
 * goes to {@code ssl.samples.dlq} with its reason.
 */
@Path("/api/v1/samples")
public class SampleResource {

    static final String ACCEPTED_TYPES = "image/png or image/jpeg (one image), application/octet-stream (raw uint8 HWC "
            + "pixels, with the height, width and channels query parameters) or multipart/form-data (a batch of PNG and "
            + "JPEG file parts)";
    static final String PNG = SampleDecoder.PNG;
    static final String JPEG = SampleDecoder.JPEG;
    /** A dataset name: it starts every generated sample id. */
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Longest sample id, in UTF-8 bytes. */
    static final int MAX_ID_BYTES = 512;

    private final SampleDecoder decoder;
    private final SampleSender sender;
    private final AugmenterConfig.Ingest config;
    private final AugmenterMetrics metrics;

    SampleResource(SampleDecoder decoder, SampleSender sender, AugmenterConfig config, AugmenterMetrics metrics) {
        this.decoder = decoder;
        this.sender = sender;
        this.config = config.ingest();
        this.metrics = metrics;
    }

    /** The ids of the stored samples and where they went. */
    public record Accepted(List<String> ids, String topic) {
    }

    /** One PNG or JPEG image; {@code id} defaults to {@code <dataset>/<SHA-256 of the bytes>}. */
    @POST
    @Consumes({PNG, JPEG})
    @Produces(MediaType.APPLICATION_JSON)
    public Response image(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                          @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                          @QueryParam("id") String id, @QueryParam("dataset") String dataset, InputStream body) {
        String type = baseType(contentType);
        String ds = dataset(dataset);
        byte[] bytes = read(body, contentLength, config.maxBytes(), "the image");
        RawSample sample = encoded(id, ds, type, bytes, "the image");
        return store(List.of(sample));
    }

    /** Raw uint8 pixels, row-major HWC, exactly {@code height * width * channels} bytes. */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    public Response pixels(@QueryParam("height") Integer height, @QueryParam("width") Integer width,
                           @QueryParam("channels") Integer channels, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                           @QueryParam("id") String id, @QueryParam("dataset") String dataset, InputStream body) {
        String ds = dataset(dataset);
        if (height == null || width == null || channels == null) {
            throw ProblemException.badRequest("missing-shape", "Raw pixels need their shape",
                    "raw pixels need the height, width and channels query parameters; got height=" + height + ", width="
                            + width + ", channels=" + channels);
        }
        try {
            decoder.checkShape(height, width, channels);
        } catch (RejectedSampleException e) {
            throw fromRejection(e, "the pixels");
        }
        long expected = (long) height * width * channels;
        if (expected > config.maxBytes()) {
            throw ProblemException.tooLarge("payload-too-large", "Payload too large", height + "x" + width + "x" + channels
                    + " pixels are " + expected + " bytes; the limit is " + config.maxBytes());
        }
        byte[] bytes = read(body, contentLength, config.maxBytes(), "the pixels");
        if (bytes.length != expected) {
            throw ProblemException.badRequest("shape-mismatch", "Pixels do not match their shape", "a " + height + "x" + width
                    + "x" + channels + " image has " + expected + " bytes, the body has " + bytes.length);
        }
        String sampleId = id != null ? checkId(id) : ds + "/" + sha256(bytes, height + "x" + width + "x" + channels);
        return store(List.of(RawSample.pixels(sampleId, ds, "http:/api/v1/samples", height, width, channels, bytes)));
    }

    /**
     * A batch: multipart/form-data whose file parts are PNG or JPEG images (a part typed
     * {@code application/octet-stream} is recognised by its signature). A part's id is
     * {@code <dataset>/<file name>}, or {@code <dataset>/<SHA-256>} without a file name. The whole batch is checked
     * before anything is sent: one bad part refuses the batch and names the part.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Response batch(@RestForm(FileUpload.ALL) List<FileUpload> parts, @QueryParam("dataset") String dataset) {
        String ds = dataset(dataset);
        if (parts == null || parts.isEmpty()) {
            throw ProblemException.badRequest("empty-batch", "Empty batch", "the multipart body has no file part");
        }
        if (parts.size() > config.maxBatch()) {
            throw ProblemException.tooLarge("batch-too-large", "Batch too large", "the batch has " + parts.size()
                    + " images; the limit is " + config.maxBatch());
        }
        List<RawSample> samples = new ArrayList<>(parts.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < parts.size(); i++) {
            FileUpload part = parts.get(i);
            String name = "part " + (i + 1) + " ('" + part.name() + "'" + (part.fileName() == null ? "" : ", file '" + part.fileName() + "'") + ")";
            if (part.size() > config.maxBytes()) {
                throw ProblemException.tooLarge("payload-too-large", "Payload too large", name + " has " + part.size()
                        + " bytes; the limit is " + config.maxBytes());
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(part.uploadedFile());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the uploaded " + name + ": " + e.getMessage(), e);
            }
            String type = partType(part.contentType(), bytes, name);
            String id = part.fileName() == null || part.fileName().isBlank() ? null : ds + "/" + part.fileName();
            RawSample s = encoded(id, ds, type, bytes, name);
            if (!ids.add(s.sampleId())) {
                throw ProblemException.badRequest("duplicate-id", "Duplicate sample id", name + " has the id '" + s.sampleId()
                        + "' of an earlier part");
            }
            samples.add(s);
        }
        return store(samples);
    }

    private RawSample encoded(String id, String dataset, String type, byte[] bytes, String what) {
        if (bytes.length == 0) {
            throw ProblemException.badRequest("empty-body", "Empty image", what + " has no bytes");
        }
        int[] hw;
        try {
            hw = decoder.probe(type, bytes);
        } catch (RejectedSampleException e) {
            throw fromRejection(e, what);
        }
        String sampleId = id != null ? checkId(id) : dataset + "/" + sha256(bytes, type);
        return new RawSample(sampleId, dataset, "http:/api/v1/samples", type, hw[0], hw[1], 0, bytes);
    }

    private Response store(List<RawSample> samples) {
        try {
            sender.sendAll(samples, config.sendTimeout());
        } catch (RuntimeException e) {
            Log.warnf("Could not store %d posted samples in %s: %s", samples.size(), Topics.SAMPLES_RAW, e.toString());
            throw new ProblemException(503, "not-stored", "Samples not stored", "the broker did not store the "
                    + samples.size() + " samples within " + config.sendTimeout().toSeconds() + " s (" + e
                    + "); send them again: ids are stable and the same sample always gives the same views");
        }
        for (RawSample s : samples) {
            metrics.ingestStored(s.isRawPixels() ? "pixels" : s.contentType().substring("image/".length()));
        }
        return Response.accepted(new Accepted(samples.stream().map(RawSample::sampleId).toList(), Topics.SAMPLES_RAW)).build();
    }

    /** The decoder's reasons as HTTP answers: too large is 413, an unsupported type 415, anything else 400. */
    private static ProblemException fromRejection(RejectedSampleException e, String what) {
        String detail = what + ": " + e.getMessage();
        return switch (e.reason()) {
            case SampleDecoder.TOO_LARGE -> ProblemException.tooLarge("image-too-large", "Image too large", detail);
            case SampleDecoder.UNSUPPORTED_CONTENT_TYPE -> ProblemException.unsupportedMediaType(detail);
            default -> ProblemException.badRequest(e.reason().replace("image.", "image-").replace('.', '-'),
                    "Not a readable image", detail);
        };
    }

    private static String partType(String declared, byte[] bytes, String name) {
        String type = baseType(declared);
        if (type.equals(PNG) || type.equals(JPEG)) {
            return type;
        }
        if (type.isEmpty() || type.equals(MediaType.APPLICATION_OCTET_STREAM)) {
            String sniffed = SampleDecoder.sniff(bytes);
            if (sniffed != null) {
                return sniffed;
            }
            throw ProblemException.unsupportedMediaType(name + " is " + (type.isEmpty() ? "untyped" : type)
                    + " and its bytes are neither PNG nor JPEG");
        }
        throw ProblemException.unsupportedMediaType(name + " is " + type + "; batch parts are image/png or image/jpeg");
    }

    private static String baseType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private String dataset(String dataset) {
        String ds = dataset == null ? config.dataset() : dataset;
        if (!DATASET.matcher(ds).matches()) {
            throw ProblemException.badRequest("bad-dataset", "Bad dataset name", "dataset '" + ds + "' must match " + DATASET);
        }
        return ds;
    }

    private static String checkId(String id) {
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (id.isBlank() || bytes > MAX_ID_BYTES || id.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest("bad-id", "Bad sample id", "a sample id has 1 to " + MAX_ID_BYTES
                    + " UTF-8 bytes and no control characters; got " + bytes + " bytes");
        }
        return id;
    }

    /** Reads at most {@code limit} bytes; 413 before reading when the declared length is already too large. */
    private static byte[] read(InputStream body, Long declared, int limit, String what) {
        if (declared != null && declared > limit) {
            throw ProblemException.tooLarge("payload-too-large", "Payload too large", what + " has " + declared
                    + " bytes; the limit is " + limit);
        }
        try {
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw ProblemException.tooLarge("payload-too-large", "Payload too large", what + " has more than " + limit
                        + " bytes, the limit");
            }
            return bytes;
        } catch (IOException e) {
            throw ProblemException.badRequest("unreadable-body", "Unreadable body", "the request body could not be read: "
                    + e.getMessage());
        }
    }

    /** Hex SHA-256 of the bytes and a context string (content type or shape): the default sample id. */
    private static String sha256(byte[] bytes, String context) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(context.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            return HexFormat.of().formatHex(md.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
