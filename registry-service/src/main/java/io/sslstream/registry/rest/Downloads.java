package io.sslstream.registry.rest;

import io.sslstream.service.rest.ProblemException;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.PathPart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Responses that stream a blob file from disk (the framework sends it with its Content-Length, without copying it
 * through the heap): whole, or one byte range of it.
 */
final class Downloads {

    /** One range: {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffixLength}. */
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    private Downloads() {
    }

    /**
     * Streams {@code file}, tagged with its digest. Content under a digest never changes, so a client holding the
     * ETag gets 304 and caches may keep it. A {@code Range} header (one range; honoured only if an
     * {@code If-Range} header, when present, names this ETag) gets 206 with that range; a range that is malformed,
     * has several parts or starts past the end gets 416.
     */
    static Response blob(Path file, String sha256, Request request, HttpHeaders headers) {
        EntityTag tag = new EntityTag(sha256);
        CacheControl cache = new CacheControl();
        cache.setMaxAge(365 * 24 * 3600);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        if (notModified != null) {
            return notModified.cacheControl(cache).build();
        }
        long size = size(file);
        String range = headers.getHeaderString("Range");
        String ifRange = headers.getHeaderString("If-Range");
        if (range != null && (ifRange == null || ifRange.trim().equals(tag.toString()))) {
            long[] span = parse(range, size);
            return Response.status(206)
                    .entity(new PathPart(file, span[0], span[1] - span[0] + 1))
                    .type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                    .header("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + size)
                    .header("Accept-Ranges", "bytes")
                    .tag(tag).cacheControl(cache).build();
        }
        // a PathPart, not a File: the framework's File writer would apply Range itself, ignoring If-Range
        return Response.ok(new PathPart(file, 0, size), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Accept-Ranges", "bytes").tag(tag).cacheControl(cache).build();
    }

    /** What HEAD answers: the headers of a whole download, no body. */
    static Response head(long size, String sha256) {
        return Response.ok().type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_LENGTH, size)
                .header("Accept-Ranges", "bytes")
                .tag(new EntityTag(sha256)).build();
    }

    /**
     * The first and last byte (inclusive) a Range header asks for, clipped to the file.
     *
     * @throws ProblemException 416 when it is malformed, has several ranges, or none of it is in the file
     */
    static long[] parse(String header, long size) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw rangeNotSatisfiable(size, "Range must be one range of the form bytes=first-last, bytes=first- or "
                    + "bytes=-length, got: " + quote(header));
        }
        long first;
        long last;
        if (m.group(1).isEmpty()) {
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0 || size == 0) {
                throw rangeNotSatisfiable(size, "Range " + quote(header) + " asks for no byte of a " + size + "-byte blob");
            }
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(m.group(1));
            last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                throw rangeNotSatisfiable(size, "Range " + quote(header) + " ends before it starts");
            }
            if (first >= size) {
                throw rangeNotSatisfiable(size, "Range " + quote(header) + " starts at or past the end of the "
                        + size + "-byte blob");
            }
        }
        return new long[]{first, last};
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    private static String quote(String s) {
        return "'" + (s.length() > 100 ? s.substring(0, 100) + "..." : s) + "'";
    }

    private static ProblemException rangeNotSatisfiable(long size, String detail) {
        return new ProblemException(416, "range-not-satisfiable", "Range not satisfiable", detail)
                .withHeader("Content-Range", "bytes */" + size);
    }
}
