package io.sslstream.eval.health;

import io.sslstream.eval.StatusBoard;
import io.sslstream.eval.config.EvalConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * DOWN when one event has been worked on for longer than {@code ssl.eval.stuck-after}, the time it spent waiting for
 * a dependency not counted: a hung evaluation, which a restart gets going again (the event is uncommitted). This
 * replaces the Kafka connector's own check of unacknowledged records ({@code throttled.unprocessed-record-max-age.ms},
 * switched off), which cannot tell a hung evaluation from one waiting for the registry, and which closes the
 * consumer when it fires. An event that waits for a dependency keeps this UP however long the wait: restarting the
 * process would not bring the dependency back.
 */
@Liveness
@ApplicationScoped
public class EvaluatorLiveness implements HealthCheck {

    private final StatusBoard board;
    private final EvalConfig config;

    EvaluatorLiveness(StatusBoard board, EvalConfig config) {
        this.board = board;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<Duration> working = board.working(Instant.now());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("evaluator-progress")
                .status(working.map(w -> w.compareTo(config.stuckAfter()) <= 0).orElse(true));
        working.ifPresent(w -> b.withData("workingSeconds", w.toSeconds())
                .withData("stuckAfterSeconds", config.stuckAfter().toSeconds()));
        return b.build();
    }
}
