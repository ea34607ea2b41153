package io.sslstream.service.rest;

import io.sslstream.service.config.ServiceConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.UUID;

/**
 * Builds every problem+json response of a service: the one place that knows the service's problem type prefix
 * ({@code urn:sslstream:<service>:problem:}) and the document's shape. {@link ProblemMappers} use it, and so do a
 * service's own mappers, for the errors only that service has (e.g. the registry's 401 and 403).
 */
@Singleton
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);
    /** The suffix of the services' artifact (and so application) names. */
    private static final String SERVICE_SUFFIX = "-service";

    private final String service;
    private final String typePrefix;

    @Inject
    Problems(ServiceConfig config, @ConfigProperty(name = "quarkus.application.name") Optional<String> application) {
        this(config.name().or(() -> application.map(Problems::shortName)).orElseThrow(() -> new IllegalStateException(
                "set ssl.service.name: the service's short name, used in its problem types")));
    }

    /** @param service the service's short name, e.g. {@code registry} */
    public Problems(String service) {
        if (service == null || !service.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a service name is lower-case letters, digits and dashes, got: " + service);
        }
        this.service = service;
        this.typePrefix = Problem.typePrefix(service);
    }

    static String shortName(String applicationName) {
        return applicationName.endsWith(SERVICE_SUFFIX)
                ? applicationName.substring(0, applicationName.length() - SERVICE_SUFFIX.length())
                : applicationName;
    }

    /** The service's short name, e.g. {@code registry}. */
    public String service() {
        return service;
    }

    /** The type URI of a slug, e.g. {@code urn:sslstream:registry:problem:digest-mismatch}; null gives about:blank. */
    public String type(String slug) {
        return slug == null ? Problem.ABOUT_BLANK : typePrefix + slug;
    }

    /**
     * A problem response.
     *
     * @param type the type slug, or {@code null} for {@value Problem#ABOUT_BLANK}
     * @param uri  the request: its path is the problem's instance
     */
    public Response response(int status, String type, String title, String detail, UriInfo uri) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type(type), title, status, detail, uri.getPath()))
                .build();
    }

    /** The answer to a refused request, with the headers it carries. */
    public Response refused(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder r = Response.fromResponse(response(e.status(), e.type(), e.title(), e.detail(), uri));
        e.headers().forEach(r::header);
        return r.build();
    }

    /**
     * An error raised by the framework (unknown path, wrong method or media type, unreadable body...): its status,
     * type {@value Problem#ABOUT_BLANK}, the status's reason phrase as title.
     */
    public Response framework(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info == null ? "HTTP " + status : info.getReasonPhrase();
        return response(status, null, title, e.getMessage(), uri);
    }

    /**
     * Anything else is a bug or an outage: a 500 {@code internal-error} whose detail gives an error id, logged with
     * that id and the stack trace, so that a client's report can be found in the log.
     */
    public Response unexpected(Throwable e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s on %s", id, uri.getPath());
        return response(500, "internal-error", "Internal error",
                "the " + service + " failed (" + e.getClass().getSimpleName() + "); error id " + id, uri);
    }
}
