package io.sslstream.trainer.rest;

import io.sslstream.trainer.TrainerStatus;
import io.sslstream.trainer.TrainingLoop;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/status}: step, losses, timings and checkpoints of the running trainer. */
@Path("/api/v1/status")
public class StatusResource {

    private final TrainingLoop loop;

    StatusResource(TrainingLoop loop) {
        this.loop = loop;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public TrainerStatus status() {
        return loop.status();
    }
}
