package io.sslstream.eval.rest;

import io.sslstream.eval.EvalStatus;
import io.sslstream.eval.StatusBoard;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/status}: the dataset, the versions seen and the evaluations done by this process. */
@Path("/api/v1/status")
public class StatusResource {

    private final StatusBoard board;

    StatusResource(StatusBoard board) {
        this.board = board;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public EvalStatus status() {
        return board.snapshot();
    }
}
