package io.sslstream.augmenter.rest;

import io.quarkus.logging.Log;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.config.AugmenterConfig;
import io.sslstream.augmenter.messaging.SampleSender;
import io.sslstream.contracts.SampleIds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.service.rest.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

/**
 * {@code POST /api/v1/samples}: images and raw pixels in over HTTP, out to {@code ssl.samples.raw} as
 * {@code RawSample}s keyed by sample id. Answers 202 with the ids once the broker has stored every sample.
 *
 * <p>The request is checked here only as far as it is cheap: content type, size, sample ids and the dataset name
 * ({@link SampleIds}' rule, the one the stream applies), an image header that can be read and its pixel count, a
 * PNG's chunk CRCs, the shape of raw pixels. Decoding happens in the stream, where a sample that still fails goes to
 * {@code ssl.samples.dlq} with its reason.
 */
@Path(SampleResource.PATH)
public class SampleResource {

    static final String ACCEPTED_TYPES = "image/png or image/jpeg (one image), application/octet-stream (raw uint8 HWC "
            + "pixels, with the height, width and channels query parameters) or multipart/form-data (a batch of PNG and "
            + "JPEG file parts)";
    static final String PNG = SampleDecoder.PNG;
    static final String JPEG = SampleDecoder.JPEG;
    static final String PATH = "/api/v1/samples";

    private final SampleDecoder decoder;
    private final SampleSender sender;
    private final AugmenterConfig.Ingest config;
    private final AugmenterMetrics metrics;

    SampleResource(SampleDecoder decoder, SampleSender sender, AugmenterConfig config, AugmenterMetrics metrics) {
        this.decoder = decoder;
        this.sender = sender;
        this.config = config.ingest();
        this.metrics = metrics;
        SampleIds.datasetProblem(this.config.dataset()).ifPresent(p -> {
            throw new IllegalArgumentException("ssl.augmenter.ingest.dataset: " + p);
        });
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
                          @QueryParam("id") String id, @QueryParam("dataset") String dataset, @Context UriInfo uri,
                          InputStream body) {
        String type = baseType(contentType);
        strictUtf8(uri);
        String ds = dataset(dataset);
        if (id != null) {
            checkId(id, "the image");
        }
        byte[] bytes = read(body, contentLength, config.maxBytes(), "the image");
        RawSample sample = encoded(id, ds, type, bytes, "the image");
        return store(List.of(sample));
    }

    /** Raw uint8 pixels, row-major HWC, exactly {@code height * width * channels} bytes. */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    public Response pixels(@QueryParam("height") String heightParam, @QueryParam("width") String widthParam,
                           @QueryParam("channels") String channelsParam, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                           @QueryParam("id") String id, @QueryParam("dataset") String dataset, @Context UriInfo uri,
                           InputStream body) {
        strictUtf8(uri);
        String ds = dataset(dataset);
        if (id != null) {
            checkId(id, "the pixels");
        }
        if (heightParam == null || widthParam == null || channelsParam == null) {
            throw ProblemException.badRequest("missing-shape", "Raw pixels need their shape",
                    "raw pixels need the height, width and channels query parameters; got height=" + heightParam + ", width="
                            + widthParam + ", channels=" + channelsParam);
        }
        // parsed here, not by the framework, which answers 404 to a query parameter it cannot convert
        int height = shapeParam("height", heightParam);
        int width = shapeParam("width", widthParam);
        int channels = shapeParam("channels", channelsParam);
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
        String sampleId = id != null ? checkId(id, "the pixels") : ds + "/" + sha256(bytes, height + "x" + width + "x" + channels);
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
    public Response batch(@RestForm(FileUpload.ALL) List<FileUpload> parts, @QueryParam("dataset") String dataset,
                          @Context UriInfo uri) {
        strictUtf8(uri);
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
        String sampleId = id != null ? checkId(id, what) : dataset + "/" + sha256(bytes, type);
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
            metrics.ingestStored(s.isRawPixels() ? AugmenterMetrics.PIXELS
                    : SampleDecoder.PNG.equals(s.contentType()) ? AugmenterMetrics.PNG : AugmenterMetrics.JPEG);
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
        SampleIds.datasetProblem(ds).ifPresent(p -> {
            throw ProblemException.badRequest("bad-dataset", "Bad dataset name", p);
        });
        return ds;
    }

    /** The id, or 400 {@code bad-id} naming the rule it breaks (and the part of a batch it came from). */
    private static String checkId(String id, String what) {
        SampleIds.sampleIdProblem(id).ifPresent(p -> {
            throw ProblemException.badRequest("bad-id", "Bad sample id", what + ": " + p);
        });
        return id;
    }

    private static int shapeParam(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("bad-shape", "Bad shape parameter", name + " " + SampleIds.quote(value)
                    + " is not a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
        }
    }

    /**
     * Refuses {@code id} and {@code dataset} query parameters whose percent-encoded bytes are not valid UTF-8: the
     * framework decodes them leniently, replacing such bytes, which would make another id than the one sent.
     */
    private static void strictUtf8(UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 0 || !(name.equals("id") || name.equals("dataset"))) {
                continue;
            }
            String problem = percentDecodedUtf8Problem(pair.substring(eq + 1));
            if (problem != null) {
                boolean isId = name.equals("id");
                throw ProblemException.badRequest(isId ? "bad-id" : "bad-dataset", isId ? "Bad sample id" : "Bad dataset name",
                        "the " + name + " query parameter " + problem);
            }
        }
    }

    /** Null when {@code raw} percent-decodes to valid UTF-8, else what is wrong with it. */
    static String percentDecodedUtf8Problem(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return "has a '%' at index " + i + " that is not followed by two hex digits";
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (CharacterCodingException e) {
            return "is not valid UTF-8 once percent-decoded (" + e.getMessage() + ")";
        }
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
