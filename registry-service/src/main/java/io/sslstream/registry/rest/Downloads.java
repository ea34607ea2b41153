package io.sslstream.registry.rest;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import java.nio.file.Path;

/** Responses that stream a blob file. */
final class Downloads {

    private Downloads() {
    }

    /**
     * Streams {@code file} (the framework sends it from disk with its Content-Length), tagged with its digest.
     * Content under a digest never changes, so a client holding the ETag gets 304 and caches may keep it.
     */
    static Response blob(Path file, String sha256, Request request) {
        EntityTag tag = new EntityTag(sha256);
        CacheControl cache = new CacheControl();
        cache.setMaxAge(365 * 24 * 3600);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        if (notModified != null) {
            return notModified.cacheControl(cache).build();
        }
        return Response.ok(file.toFile(), MediaType.APPLICATION_OCTET_STREAM_TYPE).tag(tag).cacheControl(cache).build();
    }
}
