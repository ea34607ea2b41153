package io.sslstream.service.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The exception mappers every service needs the same way, so that every error it answers is a problem document:
 * refused requests ({@link ProblemException}), the framework's own errors ({@link WebApplicationException}) and
 * anything unexpected (500 with an error id in the log). Active in every service with this jar (Quarkus indexes it
 * through its {@code META-INF/beans.xml}).
 *
 * <p>They run at {@link #PRIORITY}, after the default priority: a service replaces one by declaring a
 * {@code @ServerExceptionMapper} for the same exception type at the default priority (lower wins), and calls
 * {@link Problems} for the cases it does not treat itself; e.g. the registry turns a JSON parse error wrapped in a
 * {@code WebApplicationException} into its {@code malformed-json} problem, and the augmenter counts refusals.
 */
public class ProblemMappers {

    /** Priority of these mappers: a service's own mapper for the same type, at the default priority, wins. */
    public static final int PRIORITY = Priorities.USER + 100;

    private final Problems problems;

    public ProblemMappers(Problems problems) {
        this.problems = problems;
    }

    /** A request the service refuses. */
    @ServerExceptionMapper(priority = PRIORITY)
    public Response refused(ProblemException e, UriInfo uri) {
        return problems.refused(e, uri);
    }

    /** Errors raised by the framework (unknown path, wrong method or media type, unreadable body...). */
    @ServerExceptionMapper(priority = PRIORITY)
    public Response framework(WebApplicationException e, UriInfo uri) {
        return problems.framework(e, uri);
    }

    /** Anything else is a bug or an outage: logged with an id the client can quote. */
    @ServerExceptionMapper(priority = PRIORITY)
    public Response unexpected(Exception e, UriInfo uri) {
        return problems.unexpected(e, uri);
    }
}
