package io.sslstream.eval.health;

import io.sslstream.eval.EvalStatus;
import io.sslstream.eval.StatusBoard;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the dataset is in memory (start-up fails otherwise), with what an operator checks first: the
 * dataset, the registry, the last evaluation and, while the current event waits for an unavailable dependency,
 * what it waits for ({@code waitingFor}, {@code waitingSince}, {@code waitingOn}, {@code lastError}). Waiting stays
 * UP: no traffic is routed to the evaluator, and DOWN would only take its status and metrics out of its Service
 * while the wait is what they should show. Kafka's own checks come from the messaging extension.
 */
@Readiness
@ApplicationScoped
public class EvaluatorHealth implements HealthCheck {

    private final StatusBoard board;

    EvaluatorHealth(StatusBoard board) {
        this.board = board;
    }

    @Override
    public HealthCheckResponse call() {
        EvalStatus s = board.snapshot();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("evaluator").up()
                .withData("dataset", s.datasetId())
                .withData("trainItems", s.trainItems())
                .withData("testItems", s.testItems())
                .withData("registry", s.registry());
        if (s.waiting() != null) {
            b.withData("waitingFor", s.waiting().dependency())
                    .withData("waitingSince", s.waiting().since().toString())
                    .withData("waitingOn", s.waiting().what())
                    .withData("lastError", String.valueOf(s.waiting().lastError()));
        }
        if (!s.recent().isEmpty()) {
            EvalStatus.Done last = s.recent().get(0);
            b.withData("last", last.model() + " v" + last.version() + " " + last.status());
        }
        return b.build();
    }
}
