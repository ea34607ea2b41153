package io.sslstream.trainer.health;

import io.sslstream.trainer.TrainerStatus;
import io.sslstream.trainer.TrainingLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless the training thread failed (ssl.trainer.max-nonfinite-steps non-finite steps in a row, a native error, a run
 * that cannot resume): then a restart is the remedy, and it resumes from the newest good checkpoint.
 */
@Liveness
@ApplicationScoped
public class TrainerHealth implements HealthCheck {

    private final TrainingLoop loop;

    TrainerHealth(TrainingLoop loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        TrainerStatus s = loop.status();
        return HealthCheckResponse.named("trainer")
                .status(!"failed".equals(s.state()))
                .withData("state", s.state())
                .withData("step", s.step())
                .build();
    }
}
