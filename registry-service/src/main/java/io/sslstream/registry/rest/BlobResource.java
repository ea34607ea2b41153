package io.sslstream.registry.rest;

import io.sslstream.registry.CheckpointRegistry;
import io.sslstream.registry.security.Scopes;
import io.sslstream.registry.store.BlobStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;

/** Content-addressed blobs: {@code /api/v1/blobs/sha256/{sha}}. */
@Path("/api/v1/blobs/sha256/{sha}")
public class BlobResource {

    private final CheckpointRegistry registry;

    public BlobResource(CheckpointRegistry registry) {
        this.registry = registry;
    }

    /**
     * Uploads a blob. The body streams to disk (an {@code InputStream} parameter keeps it out of memory and puts
     * this method on a worker thread); 201 for new content, 200 when identical content was stored before.
     */
    @PUT
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    public Response put(@PathParam("sha") String sha, @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                        InputStream body, @Context UriInfo uri) throws IOException {
        BlobStore.Stored stored = registry.putBlob(sha, contentLength, body);
        return stored.created()
                ? Response.created(uri.getRequestUri()).entity(stored.info()).build()
                : Response.ok(stored.info()).build();
    }

    /** Downloads a blob, whole or one byte range ({@code Range}), with its digest as ETag. */
    @GET
    @RolesAllowed(Scopes.READ)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response get(@PathParam("sha") String sha, @Context Request request, @Context HttpHeaders headers) {
        return Downloads.blob(registry.blob(sha), sha, request, headers);
    }

    /** Whether a blob is stored (200 with its size, 404): lets a client skip an upload. */
    @HEAD
    @RolesAllowed(Scopes.READ)
    public Response head(@PathParam("sha") String sha) {
        return Downloads.head(registry.blobSize(sha), sha);
    }
}
