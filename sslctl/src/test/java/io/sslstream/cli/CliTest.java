package io.sslstream.cli;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliTest {

    @Test
    void durationsReadTheWayPeopleWriteThem() {
        assertThat(Main.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Main.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Main.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Main.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Main.duration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void loadImagesIsACommandThatNeedsAFolder() {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.getSubcommands()).containsKey("load-images");
        assertThat(cli.execute("load-images")).isEqualTo(2);
        assertThat(err.toString()).contains("--dir");
    }

    @Test
    void loadersRefuseDatasetNamesAndSplitsThatWouldMakeBadIdsBeforeConnecting() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("My Photos");
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(buf, true));
        try {
            // the folder's name is the default dataset name; nothing listens on port 1, so reaching Kafka would fail
            assertThat(Main.commandLine().execute("load-images", "--dir", folder.toString(), "--bootstrap", "localhost:1")).isEqualTo(2);
            assertThat(Main.commandLine().execute("load-idx", "--images", "x.idx", "--split", "../up", "--bootstrap", "localhost:1"))
                    .isEqualTo(2);
        } finally {
            System.setErr(old);
            java.nio.file.Files.delete(folder);
        }
        assertThat(buf.toString()).contains("--dataset", "My Photos", "--split", "segment '..'");
    }

    @Test
    void stackWithoutFashionMnistSaysHowToGetIt() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(buf, true));
        int code;
        try {
            code = cli.execute("stack", "--data-dir", "target/no-such-dir");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(buf.toString()).contains("apt-get install dataset-fashion-mnist", "--data-dir");
    }

    @Test
    void tableShowsVersionsAccuraciesAndBaselines() {
        EvaluationCompleted ev = new EvaluationCompleted(1, UUID.randomUUID(), Instant.now(), "m", 1, "a".repeat(64), "fashion-mnist",
                EvaluationCompleted.SUCCEEDED, null, List.of(
                new ProtocolResult("linear", "encoder", Map.of(), 0.8123, 0, 1),
                new ProtocolResult("linear@100", "encoder", Map.of(), 0.75, 0.012, 1),
                new ProtocolResult("knn@20", "raw-pixels", Map.of(), 0.845, 0, 1)), 3);
        ModelVersion v1 = new ModelVersion("m", 1, "r", "simclr", "small-cnn", 100, 25600, 4.25, "a".repeat(64), 10,
                Instant.now(), List.of(), Map.of(), null, List.of(ev));
        ModelVersion v2 = new ModelVersion("m", 2, "r", "simclr", "small-cnn", 200, 51200, null, "b".repeat(64), 10,
                Instant.now(), List.of("latest"), Map.of(), null, List.of());
        String table = EvaluationTable.render("m", List.of(v2, v1));
        assertThat(table).contains("81.2%", "75.0±1.2", "84.5%", "raw-pixels", "pending");
        assertThat(table.indexOf("v1")).isLessThan(table.indexOf("v2"));
    }
}
