package io.sslstream.registry.it;

import io.sslstream.kafka.ServiceProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The packaged registry ({@code target/quarkus-app/quarkus-run.jar}, built by {@code package} before the ITs run)
 * in a JVM of its own, so that a test can give it a small heap, SIGKILL it and start it again on the same data.
 */
final class RegistryProcess {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private RegistryProcess() {
    }

    /**
     * Starts the registry on a free port and waits until it is live ({@code /q/health/live}: up, whether or not the
     * broker is). Its output is appended to {@code log}; {@link ServiceProcess#logText()} is this process's part.
     *
     * @param heap       e.g. {@code 64m}; it exits on an {@link OutOfMemoryError}
     * @param properties configuration as {@code -Dkey=value}
     * @param env        extra environment variables
     */
    static ServiceProcess start(Path log, String heap, Map<String, String> properties, Map<String, String> env)
            throws InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " not found: the ITs run after 'package'");
        }
        ServiceProcess registry = ServiceProcess.builder("registry", JAR, ServiceProcess.freePort(), log)
                .jvmOptions("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError")
                .properties(properties)
                .env(env)
                .start();
        try {
            registry.awaitLive(Duration.ofSeconds(90));
        } catch (RuntimeException | InterruptedException e) {
            registry.kill();
            throw e;
        }
        return registry;
    }
}
