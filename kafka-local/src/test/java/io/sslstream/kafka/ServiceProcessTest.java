package io.sslstream.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ServiceProcess} on a real child JVM ({@link FakeService}, a runnable jar made here). */
class ServiceProcessTest {

    static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aServiceStartsReadyIsKilledRelaunchedOnItsPortAndStopped() throws Exception {
        Path jar = FakeService.jar(dir.resolve("fake.jar"));
        Path work = dir.resolve("work");
        Path log = dir.resolve("logs/fake.log");
        ServiceProcess s = ServiceProcess.start("fake", jar, ServiceProcess.freePort(), work, log, List.of("-Xmx32m"),
                Map.of("fake.greeting", "hello"), Map.of("FAKE_ENV", "from-env"));
        try {
            s.awaitReady(START);
            s.awaitLog("fake service started", START);
            assertThat(s.logText()).contains("greeting hello, env from-env, in " + work.toRealPath());
            assertThat(s.live()).isTrue();
            assertThat(s.isStopped()).isFalse();
            assertThat(s.get("/status", Duration.ofSeconds(5))).contains("{\"state\":\"running\"}");
            assertThat(s.get("/status/none", Duration.ofSeconds(5))).as("a 404").isEmpty();

            long pid = s.pid();
            assertThat(s.kill(Duration.ofSeconds(30))).as("gone after SIGKILL").isTrue();
            assertThat(s.exitCode()).isEqualTo(137);
            assertThat(s.live()).isFalse();
            assertThat(s.get("/status", Duration.ofSeconds(5))).as("no answer").isEmpty();

            s.relaunch();
            s.awaitReady(START);
            assertThat(s.pid()).isNotEqualTo(pid);
            s.awaitLog("fake service started", START);
            assertThat(s.logText()).as("this process's output only").containsOnlyOnce("fake service started");
            assertThat(Files.readString(log)).as("the log is appended to").contains("fake service started\n")
                    .satisfies(text -> assertThat(text.split("fake service started", -1)).hasSize(3));

            assertThat(s.stop(Duration.ofSeconds(30))).as("exits by itself on SIGTERM").isTrue();
            assertThat(s.isStopped()).isTrue();
            assertThatThrownBy(s::relaunch).isInstanceOf(IllegalStateException.class).hasMessageContaining("was stopped");
        } finally {
            s.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aServiceThatDiesDuringStartUpFailsWithTheEndOfItsLog() throws Exception {
        Path jar = FakeService.jar(dir.resolve("fake.jar"));
        try (ServiceProcess s = ServiceProcess.builder("failing", jar, ServiceProcess.freePort(), dir.resolve("failing.log"))
                .property("fake.fail", "true").start()) {
            assertThatThrownBy(() -> s.awaitLog("fake service started", START)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failing exited with code 3 before logging 'fake service started'")
                    .hasMessageContaining("boom: told to fail");
            assertThatThrownBy(() -> s.awaitReady(START)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failing exited with code 3 during start-up")
                    .hasMessageContaining("boom: told to fail");
        }
    }

    @Test
    void aMissingJarIsSaidSo() {
        assertThatThrownBy(() -> ServiceProcess.builder("none", dir.resolve("none.jar"), 1, dir.resolve("none.log")).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("none.jar not found");
    }
}
