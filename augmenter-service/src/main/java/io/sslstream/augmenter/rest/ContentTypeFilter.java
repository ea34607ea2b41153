package io.sslstream.augmenter.rest;

import io.sslstream.service.rest.ProblemException;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Locale;

/**
 * Readies the {@code Content-Type} of {@code POST /api/v1/samples} before an endpoint is chosen by it: media types
 * are case-insensitive (RFC 9110, 8.3.1), so {@code IMAGE/PNG} is {@code image/png}; and a body without a
 * {@code Content-Type} is refused with 415 here, where otherwise the framework would hand it to one of the endpoints
 * (which then complained about a missing file part).
 *
 * <p>Only the type and subtype are lower-cased: parameter values such as a multipart {@code boundary} are
 * case-sensitive and stay as they were sent.
 */
public class ContentTypeFilter {

    @ServerRequestFilter(preMatching = true)
    public void normalise(ContainerRequestContext request) {
        if (!HttpMethod.POST.equals(request.getMethod()) || !isSamplesPath(request.getUriInfo().getPath())) {
            return;
        }
        String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (type == null || type.isBlank()) {
            throw ProblemException.unsupportedMediaType("the request has no Content-Type; POST " + SampleResource.PATH
                    + " takes " + SampleResource.ACCEPTED_TYPES);
        }
        int semi = type.indexOf(';');
        String base = semi < 0 ? type : type.substring(0, semi);
        String lower = base.trim().toLowerCase(Locale.ROOT);
        if (!lower.equals(base)) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, semi < 0 ? lower : lower + type.substring(semi));
        }
    }

    private static boolean isSamplesPath(String path) {
        return path.equals(SampleResource.PATH) || path.equals(SampleResource.PATH + "/");
    }
}
