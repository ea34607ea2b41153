package io.sslstream.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaProcessTest {

    @Test
    void ownJvmBrokerServesRecordsStopsCleanlyAndRestartsOnItsData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        Path log = dir.resolve("logs/kafka.log");
        KafkaProcess kafka = KafkaProcess.start(data, log, 2, 256);
        boolean clean;
        try {
            assertThat(RoundTrip.produceAndConsume(kafka.bootstrapServers(), "t.own", List.of("x", "y")))
                    .containsExactlyInAnyOrder("x", "y");
        } finally {
            clean = kafka.stop();
        }
        assertThat(clean).as("broker exits by itself on SIGTERM").isTrue();
        assertThat(ProcessHandle.of(kafka.pid())).isEmpty();
        assertThat(Files.readString(log)).contains("Kafka Server started");

        // same data directory, new ports: the records are still there
        KafkaProcess again = KafkaProcess.start(data, log, 2, 256);
        try {
            assertThat(RoundTrip.produceAndConsume(again.bootstrapServers(), "t.own", List.of("z"), 3))
                    .containsExactlyInAnyOrder("x", "y", "z");
        } finally {
            again.stop();
        }
    }

    @Test
    void aBrokerComesBackOnItsPortsWithItsRecordsAfterACrashAndAfterACleanStop(@TempDir Path dir) throws Exception {
        KafkaProcess kafka = KafkaProcess.start(dir.resolve("kafka"), dir.resolve("logs/kafka.log"), 1, 256);
        try {
            String bootstrap = kafka.bootstrapServers();
            assertThat(RoundTrip.produceAndConsume(bootstrap, "t.back", List.of("a"))).containsExactly("a");

            // a crash: relaunch() (what a supervisor does)
            long pid = kafka.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL: no clean shutdown
            ProcessHandle.of(pid).orElseThrow().onExit().get();
            assertThat(kafka.isAlive()).isFalse();
            assertThat(kafka.exitCode()).isEqualTo(137);
            kafka.relaunch();
            assertThat(kafka.pid()).isNotEqualTo(pid);
            assertThat(kafka.bootstrapServers()).as("clients keep their address").isEqualTo(bootstrap);
            assertThat(RoundTrip.produceAndConsume(bootstrap, "t.back", List.of("b"), 2)).containsExactlyInAnyOrder("a", "b");

            // a clean stop: a supervisor leaves it down, restart() brings it back
            assertThat(kafka.stop()).as("clean shutdown").isTrue();
            assertThat(kafka.isStopped()).isTrue();
            assertThatThrownBy(kafka::relaunch).isInstanceOf(IllegalStateException.class).hasMessageContaining("was stopped");
            kafka.restart();
            assertThat(kafka.isStopped()).isFalse();
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(RoundTrip.produceAndConsume(bootstrap, "t.back", List.of("c"), 3)).containsExactlyInAnyOrder("a", "b", "c");
            assertThatThrownBy(kafka::restart).as("it runs").isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still running");
        } finally {
            kafka.stop();
        }
    }
}
