package io.sslstream.augmenter.rest;

import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/** Every error the API returns is a problem+json document; these mappers are the only place that builds one. */
public class ProblemMappers {

    @Inject
    IngestMetrics metrics;

    @ServerExceptionMapper
    public Response ingestProblem(IngestProblem e, UriInfo uri) {
        metrics.rejected(e.type());
        return problem(e.status(), e.type(), e.title(), e.getMessage(), uri);
    }

    /** A Content-Type no endpoint takes: say which ones exist. */
    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, UriInfo uri) {
        metrics.rejected("unsupported-media-type");
        return problem(415, "unsupported-media-type", "Unsupported media type", "POST " + uri.getPath() + " takes "
                + SampleResource.ACCEPTED_TYPES, uri);
    }

    /** Errors raised by the framework (unknown path, wrong method, unreadable body...). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info == null ? "HTTP " + status : info.getReasonPhrase();
        return problem(status, null, title, e.getMessage(), uri);
    }

    /** Anything else is a bug or an outage: log it with an id the client can quote. */
    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s on %s", id, uri.getPath());
        return problem(500, "internal-error", "Internal error",
                "the augmenter failed (" + e.getClass().getSimpleName() + "); error id " + id, uri);
    }

    static Response problem(int status, String type, String title, String detail, UriInfo uri) {
        String typeUri = type == null ? "about:blank" : Problem.TYPE_PREFIX + type;
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(typeUri, title, status, detail, uri.getPath()))
                .build();
    }
}
