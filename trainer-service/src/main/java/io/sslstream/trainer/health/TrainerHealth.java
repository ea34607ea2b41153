package io.sslstream.trainer.health;

import io.sslstream.trainer.TrainerStatus;
import io.sslstream.trainer.TrainingLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live unless the training thread failed (a NaN loss, a native error): then a restart is the remedy. */
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
