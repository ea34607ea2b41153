package io.sslstream.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.sslstream.registry.ApiProblem;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.security.BearerTokenMechanism;
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
import java.util.UUID;
import java.util.stream.Collectors;

/** Every error the API returns is a problem+json document; these mappers are the only place that builds one. */
public class ProblemMappers {

    private final RegistryMetrics metrics;
    private final SecurityIdentity identity;

    public ProblemMappers(RegistryMetrics metrics, SecurityIdentity identity) {
        this.metrics = metrics;
        this.identity = identity;
    }

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e, UriInfo uri) {
        Response.ResponseBuilder r = Response.fromResponse(problem(e.status(), e.type(), e.title(), e.detail(), uri));
        e.headers().forEach(r::header);
        return r.build();
    }

    /** A body that is not JSON, or JSON that does not fit the expected record. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        return problem(400, "malformed-json", "Malformed JSON body", describe(e), uri);
    }

    /** Declared for its exact type: Quarkus has a built-in mapper for it that answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    /** Errors raised by the framework (unknown path, wrong method or media type, unreadable body...). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info == null ? "HTTP " + status : info.getReasonPhrase();
        return problem(status, null, title, e.getMessage(), uri);
    }

    /** A bearer token that is malformed or unknown. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        metrics.authDenied("invalid-token");
        return challenge(problem(401, "invalid-token", "Invalid token",
                "the bearer token is not one this registry knows (or the Authorization header is not a bearer token)", uri),
                ", error=\"invalid_token\"");
    }

    /** No token where the operation needs one. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri, ResourceInfo resource) {
        metrics.authDenied("missing-token");
        return challenge(problem(401, "missing-token", "Token required",
                "this request needs a bearer token with scope " + required(resource) + " (Authorization: Bearer <token>)", uri), "");
    }

    /** A token whose scopes do not cover the operation. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, ResourceInfo resource) {
        metrics.authDenied("missing-scope");
        return problem(403, "missing-scope", "Scope missing",
                "token '" + identity.getPrincipal().getName() + "' has scopes " + new TreeSet<>(identity.getRoles())
                        + " but this request needs scope " + required(resource), uri);
    }

    /** Anything else is a bug or an outage: log it with an id the client can quote. */
    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s on %s", id, uri.getPath());
        return problem(500, "internal-error", "Internal error",
                "the registry failed (" + e.getClass().getSimpleName() + "); error id " + id, uri);
    }

    private static Response problem(int status, String type, String title, String detail, UriInfo uri) {
        String typeUri = type == null ? "about:blank" : Problem.TYPE_PREFIX + type;
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(typeUri, title, status, detail, uri.getPath()))
                .build();
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
