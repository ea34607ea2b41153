package io.sslstream.augmenter.health;

import io.sslstream.augmenter.messaging.SampleStream;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The stream's checks: ready once it consumes, live unless it stopped on a failure (the broker refused even a dead
 * letter, or a client failed for good): a restart then reads the uncommitted inputs again.
 */
public final class StreamHealth {

    private StreamHealth() {
    }

    static HealthCheckResponse response(SampleStream stream, boolean up) {
        var b = HealthCheckResponse.named("augmenter-stream").status(up).withData("state", stream.state().name().toLowerCase());
        if (stream.failure() != null) {
            b.withData("failure", stream.failure().toString());
        }
        return b.build();
    }

    /** Live unless the stream failed. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {

        private final SampleStream stream;

        Live(SampleStream stream) {
            this.stream = stream;
        }

        @Override
        public HealthCheckResponse call() {
            return response(stream, stream.state() != SampleStream.State.FAILED);
        }
    }

    /** Ready while the stream consumes. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {

        private final SampleStream stream;

        Ready(SampleStream stream) {
            this.stream = stream;
        }

        @Override
        public HealthCheckResponse call() {
            return response(stream, stream.state() == SampleStream.State.RUNNING);
        }
    }
}
