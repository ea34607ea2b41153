package io.sslstream.augmenter.rest;

import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.service.rest.ProblemException;
import io.sslstream.service.rest.ProblemMappers;
import io.sslstream.service.rest.Problems;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * What the augmenter adds to service-kit's {@link ProblemMappers}: every refused ingestion request is counted in
 * {@code ssl_augmenter_ingest_rejected_total{reason}}, and a 415 names the media types the API takes. The documents
 * themselves come from {@link Problems}; unknown paths and unexpected errors are service-kit's alone.
 */
public class AugmenterProblemMappers {

    private final Problems problems;
    private final AugmenterMetrics metrics;

    public AugmenterProblemMappers(Problems problems, AugmenterMetrics metrics) {
        this.problems = problems;
        this.metrics = metrics;
    }

    /** Replaces the shared mapper (default priority) to count the refusal by its problem type. */
    @ServerExceptionMapper
    public Response refused(ProblemException e, UriInfo uri) {
        metrics.ingestRejected(e.type());
        return problems.refused(e, uri);
    }

    /** A Content-Type no endpoint takes: say which ones exist. */
    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e, UriInfo uri) {
        return refused(ProblemException.unsupportedMediaType("POST " + uri.getPath() + " takes "
                + SampleResource.ACCEPTED_TYPES), uri);
    }
}
