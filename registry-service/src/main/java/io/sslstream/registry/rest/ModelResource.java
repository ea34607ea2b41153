package io.sslstream.registry.rest;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.registry.CheckpointRegistry;
import io.sslstream.registry.ModelSummary;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;

/** Models, their versions, weights and evaluations: {@code /api/v1/models}. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    static final int DEFAULT_PAGE_SIZE = 50;

    private final CheckpointRegistry registry;

    public ModelResource(CheckpointRegistry registry) {
        this.registry = registry;
    }

    /** Every model with its number of versions. */
    @GET
    public List<ModelSummary> models() {
        return registry.models();
    }

    /** Creates the next version; 201 with its location. */
    @POST
    @Path("/{name}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("name") String name, CreateVersionRequest body, @Context UriInfo uri) {
        ModelVersion created = registry.createVersion(name, body);
        return Response.created(uri.getAbsolutePathBuilder().path(Integer.toString(created.version())).build())
                .entity(created).build();
    }

    /** A page of versions, newest first. */
    @GET
    @Path("/{name}/versions")
    public Page<ModelVersion> list(@PathParam("name") String name, @QueryParam("offset") String offset,
                                   @QueryParam("limit") String limit) {
        return registry.versions(name, Params.integer("offset", offset, 0), Params.integer("limit", limit, DEFAULT_PAGE_SIZE));
    }

    @GET
    @Path("/{name}/versions/{version}")
    public ModelVersion get(@PathParam("name") String name, @PathParam("version") String version) {
        return registry.version(name, Params.version(version));
    }

    @GET
    @Path("/{name}/versions/{version}/weights")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response weights(@PathParam("name") String name, @PathParam("version") String version,
                            @Context Request request) {
        String sha = registry.version(name, Params.version(version)).weightsSha256();
        return Downloads.blob(registry.blob(sha), sha, request);
    }

    /** Stores an evaluation: 201 the first time an event id is posted, 200 (nothing stored) after that. */
    @POST
    @Path("/{name}/versions/{version}/evaluations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addEvaluation(@PathParam("name") String name, @PathParam("version") String version,
                                  EvaluationCompleted body) {
        boolean created = registry.addEvaluation(name, Params.version(version), body);
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(body).build();
    }
}
