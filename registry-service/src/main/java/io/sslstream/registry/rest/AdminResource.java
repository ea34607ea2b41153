package io.sslstream.registry.rest;

import io.sslstream.registry.retention.RetentionReport;
import io.sslstream.registry.retention.RetentionService;
import io.sslstream.registry.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Administrative operations: {@code /api/v1/admin}; the {@code admin} scope. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final RetentionService retention;

    public AdminResource(RetentionService retention) {
        this.retention = retention;
    }

    /**
     * Applies the retention policy now and says what it deleted; {@code dryRun=true} only says what it would
     * delete. With no rule configured it deletes nothing.
     */
    @POST
    @Path("/retention")
    @RolesAllowed(Scopes.ADMIN)
    public RetentionReport retention(@QueryParam("dryRun") boolean dryRun) {
        return retention.run(dryRun);
    }
}
