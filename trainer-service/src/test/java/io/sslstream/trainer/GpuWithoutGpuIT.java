package io.sslstream.trainer;

import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trainer's jar configured for a GPU as the gpu overlay configures it ({@code SSL_TRAINER_DEVICE=gpu}) on a
 * machine without one (every machine here): the process must stop at start with a message that says why, not run on
 * as a trainer that never trains. Nothing else is needed for that: no broker, no registry.
 */
class GpuWithoutGpuIT {

    @Test
    void theTrainerStopsAtStartNamingTheMissingGpu() {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the trainer's jar (package phase)").isRegularFile();
        Map<String, String> env = new HashMap<>(LocalProcesses.LIBTORCH_ENV);
        env.put("SSL_TRAINER_DEVICE", "gpu");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ServiceProcess.freePort());
        try (ServiceProcess trainer = ServiceProcess.builder("trainer", jar, ServiceProcess.freePort(),
                        Path.of("target/gpu-without-gpu-it-" + System.currentTimeMillis() + ".log"))
                .jvmOptions("-Xmx512m", "-Dai.djl.offline=true")
                .property("ssl.trainer.checkpoint.spool-dir", Path.of("target/gpu-without-gpu-spool").toAbsolutePath().toString())
                .env(env)
                .start()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> !trainer.isAlive());
            assertThat(trainer.exitCode()).as(trainer.tail(40)).isNotZero();
            assertThat(trainer.logText()).contains("device 'gpu' configured but the PyTorch engine sees no GPU")
                    .contains("libtorch cpu from");
        }
    }
}
