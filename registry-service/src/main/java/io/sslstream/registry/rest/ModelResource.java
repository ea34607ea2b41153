package io.sslstream.registry.rest;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.registry.CheckpointRegistry;
import io.sslstream.registry.ModelSummary;
import io.sslstream.registry.VersionSearch;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.registry.security.Scopes;
import io.sslstream.service.rest.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Models, their versions, weights, aliases, tags and evaluations: {@code /api/v1/models}. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    static final int DEFAULT_PAGE_SIZE = 50;

    private final CheckpointRegistry registry;
    private final RegistryConfig config;

    public ModelResource(CheckpointRegistry registry, RegistryConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /** Every model with its number of versions. */
    @GET
    @RolesAllowed(Scopes.READ)
    public List<ModelSummary> models() {
        return registry.models();
    }

    /**
     * Creates the next version; 201 with its location. With an {@code Idempotency-Key} header (a structured-field
     * string, or the bare key) whose earlier request created a version of this model: 200 with that version (and its
     * location as {@code Content-Location}) if this request has the same weights and manifest, 422
     * {@code idempotency-key-reused} if not.
     */
    @POST
    @Path("/{name}/versions")
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Parameter(name = IdempotencyKey.HEADER, in = ParameterIn.HEADER, required = false,
            description = "optional; a retry with the same key and content returns the version the key created (200)",
            schema = @Schema(type = SchemaType.STRING, maxLength = IdempotencyKey.MAX_LENGTH))
    public Response create(@PathParam("name") String name, CreateVersionRequest body, @Context HttpHeaders headers,
                           @Context UriInfo uri) {
        CheckpointRegistry.Creation creation = registry.createVersion(name, body,
                idempotencyKey(headers.getRequestHeader(IdempotencyKey.HEADER)));
        ModelVersion version = creation.version();
        URI location = uri.getAbsolutePathBuilder().path(Integer.toString(version.version())).build();
        return creation.created()
                ? Response.created(location).entity(version).build()
                : Response.ok(version).contentLocation(location).build();
    }

    /**
     * The key the {@code Idempotency-Key} header carries; {@code null} without the header. Read from the raw header
     * lines, so that an empty value is refused rather than taken for no header, and two values are refused.
     */
    private static String idempotencyKey(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ProblemException.badRequest("invalid-idempotency-key", "Invalid idempotency key",
                    "the request has " + values.size() + " " + IdempotencyKey.HEADER + " headers; send one");
        }
        try {
            return IdempotencyKey.fromHeaderValue(values.get(0));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-idempotency-key", "Invalid idempotency key", e.getMessage());
        }
    }

    /**
     * A page of versions matching the filters, newest first unless {@code order} and {@code dir} say otherwise.
     *
     * @param run    only this training run
     * @param method only this SSL method
     * @param tag    {@code key} or {@code key=value}; repeat for several (all must match)
     * @param order  {@code created} (default), {@code step}, or {@code metric:<protocol>} (accuracy of the newest
     *               succeeded evaluation on the encoder's features; unevaluated versions last)
     * @param dir    {@code desc} (default) or {@code asc}
     */
    @GET
    @Path("/{name}/versions")
    @RolesAllowed(Scopes.READ)
    public Page<ModelVersion> list(@PathParam("name") String name, @QueryParam("run") String run,
                                   @QueryParam("method") String method, @QueryParam("tag") List<String> tag,
                                   @QueryParam("order") String order, @QueryParam("dir") String dir,
                                   @QueryParam("offset") String offset, @QueryParam("limit") String limit) {
        return registry.search(name, VersionSearch.parse(run, method, tag, order, dir,
                Params.integer("offset", offset, 0), Params.integer("limit", limit, DEFAULT_PAGE_SIZE), config.maxPageSize()));
    }

    @GET
    @Path("/{name}/versions/{version}")
    @RolesAllowed(Scopes.READ)
    public ModelVersion get(@PathParam("name") String name, @PathParam("version") String version) {
        return registry.version(name, Params.version(version));
    }

    /** The version's weights blob, whole or one byte range. */
    @GET
    @Path("/{name}/versions/{version}/weights")
    @RolesAllowed(Scopes.READ)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response weights(@PathParam("name") String name, @PathParam("version") String version,
                            @Context Request request, @Context HttpHeaders headers) {
        String sha = registry.version(name, Params.version(version)).weightsSha256();
        return Downloads.blob(registry.blob(sha), sha, request, headers);
    }

    /** Stores an evaluation: 201 the first time an event id is posted, 200 (nothing stored) after that. */
    @POST
    @Path("/{name}/versions/{version}/evaluations")
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addEvaluation(@PathParam("name") String name, @PathParam("version") String version,
                                  EvaluationCompleted body) {
        boolean created = registry.addEvaluation(name, Params.version(version), body);
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(body).build();
    }

    // ---- tags

    /** Sets a tag from a JSON body {@code {"value": "..."}}; returns the version. */
    @PUT
    @Path("/{name}/versions/{version}/tags/{key}")
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelVersion setTag(@PathParam("name") String name, @PathParam("version") String version,
                               @PathParam("key") String key, TagValue body) {
        if (body == null || body.value() == null) {
            throw ProblemException.badRequest("missing-body", "Missing request body",
                    "the body must be {\"value\": \"...\"}");
        }
        return registry.setTag(name, Params.version(version), key, body.value());
    }

    /** Sets a tag from a plain-text body, which is the value; returns the version. */
    @PUT
    @Path("/{name}/versions/{version}/tags/{key}")
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.TEXT_PLAIN)
    public ModelVersion setTagText(@PathParam("name") String name, @PathParam("version") String version,
                                   @PathParam("key") String key, String value) {
        return registry.setTag(name, Params.version(version), key, value == null ? "" : value);
    }

    /** Removes a tag; 204, or 404 if the version has no such tag. */
    @DELETE
    @Path("/{name}/versions/{version}/tags/{key}")
    @RolesAllowed(Scopes.WRITE)
    public Response removeTag(@PathParam("name") String name, @PathParam("version") String version,
                              @PathParam("key") String key) {
        registry.removeTag(name, Params.version(version), key);
        return Response.noContent().build();
    }

    // ---- aliases

    /** Every alias of the model and the version it points to, {@code latest} included. */
    @GET
    @Path("/{name}/aliases")
    @RolesAllowed(Scopes.READ)
    public Map<String, Integer> aliases(@PathParam("name") String name) {
        return registry.aliases(name);
    }

    /** The version an alias points to; 404 if the alias is not set. */
    @GET
    @Path("/{name}/aliases/{alias}")
    @RolesAllowed(Scopes.READ)
    public ModelVersion alias(@PathParam("name") String name, @PathParam("alias") String alias) {
        return registry.alias(name, alias);
    }

    /** Points an alias at a version, body {@code {"version": n}}; {@code latest} cannot be set (400). */
    @PUT
    @Path("/{name}/aliases/{alias}")
    @RolesAllowed(Scopes.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelVersion setAlias(@PathParam("name") String name, @PathParam("alias") String alias, AliasTarget body) {
        return registry.setAlias(name, alias, body == null ? null : body.version());
    }

    /** Removes an alias; 204, or 404 if it was not set. */
    @DELETE
    @Path("/{name}/aliases/{alias}")
    @RolesAllowed(Scopes.WRITE)
    public Response removeAlias(@PathParam("name") String name, @PathParam("alias") String alias) {
        registry.removeAlias(name, alias);
        return Response.noContent().build();
    }
}
