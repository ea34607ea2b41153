package io.sslstream.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.sslstream.registry.Refusal;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.security.BearerTokenMechanism;
import io.sslstream.service.rest.ProblemMappers;
import io.sslstream.service.rest.Problems;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the registry adds to service-kit's {@link ProblemMappers}: the one place where its domain refusals
 * ({@link Refusal}) become HTTP statuses, malformed JSON bodies, and the 401 and 403 of bearer tokens. The
 * documents themselves come from {@link Problems}.
 */
public class RegistryProblemMappers {

    private final Problems problems;
    private final RegistryMetrics metrics;
    private final SecurityIdentity identity;

    public RegistryProblemMappers(Problems problems, RegistryMetrics metrics, SecurityIdentity identity) {
        this.problems = problems;
        this.metrics = metrics;
        this.identity = identity;
    }

    /** A refusal of the registry: its code is the problem type, its kind the status. */
    @ServerExceptionMapper
    public Response refused(Refusal e, UriInfo uri) {
        return problems.response(status(e.kind()), e.code(), e.title(), e.getMessage(), uri);
    }

    /** The HTTP status of each kind of refusal. */
    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNACCEPTABLE -> 422;
            case BUSY -> 503;
        };
    }

    /** A body that is not JSON, or JSON that does not fit the expected record. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return problems.response(400, "malformed-json", "Malformed JSON body", describe(e), uri);
    }

    /** Declared for its exact type: Quarkus has a built-in mapper for it that answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    /**
     * Replaces the shared mapper (default priority), for one case: the framework wraps a JSON parse error of a
     * request body in a 400 {@code WebApplicationException}, and that is a malformed body here too.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        return problems.framework(e, uri);
    }

    /** A bearer token that is malformed or unknown. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        metrics.authDenied(RegistryMetrics.INVALID_TOKEN);
        return challenge(problems.response(401, "invalid-token", "Invalid token",
                "the bearer token is not one this registry knows (or the Authorization header is not a bearer token)", uri),
                ", error=\"invalid_token\"");
    }

    /** No token where the operation needs one. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri, ResourceInfo resource) {
        metrics.authDenied(RegistryMetrics.MISSING_TOKEN);
        return challenge(problems.response(401, "missing-token", "Token required",
                "this request needs a bearer token with scope " + required(resource) + " (Authorization: Bearer <token>)", uri), "");
    }

    /** A token whose scopes do not cover the operation. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, ResourceInfo resource) {
        metrics.authDenied(RegistryMetrics.MISSING_SCOPE);
        return problems.response(403, "missing-scope", "Scope missing",
                "token '" + identity.getPrincipal().getName() + "' has scopes " + new TreeSet<>(identity.getRoles())
                        + " but this request needs scope " + required(resource), uri);
    }

    private static Response challenge(Response problem, String error) {
        return Response.fromResponse(problem)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + BearerTokenMechanism.REALM + "\"" + error)
                .build();
    }

    /** The scope(s) the resource method asks for, from its {@code @RolesAllowed}. */
    private static String required(ResourceInfo resource) {
        Method m = resource == null ? null : resource.getResourceMethod();
        RolesAllowed roles = m == null ? null : m.getAnnotation(RolesAllowed.class);
        return roles == null ? "(unknown)" : String.join(" or ", Arrays.asList(roles.value()));
    }

    private static String describe(JsonProcessingException e) {
        StringBuilder s = new StringBuilder(e.getOriginalMessage());
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            s.append(" at ").append(m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")));
        }
        if (e.getLocation() != null) {
            s.append(" (line ").append(e.getLocation().getLineNr()).append(", column ")
                    .append(e.getLocation().getColumnNr()).append(')');
        }
        return s.toString();
    }
}
