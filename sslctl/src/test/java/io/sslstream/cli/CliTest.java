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
    void stackRefusesAnUnknownMethodNamingTheKnownOnes() {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(buf, true));
        int code;
        try {
            code = Main.commandLine().execute("stack", "--method", "dino", "--data-dir", "target/no-such-dir");
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(buf.toString()).contains("Unknown --method 'dino'", "simclr, moco, byol, simsiam, barlow-twins, vicreg, mae");
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

    @Test
    void tableHasALegendAndTheLiftOverRawPixelsOfEachVersion() {
        ModelVersion v1 = version(1, 40, evaluation(1, "fashion-mnist@10000/10000", Instant.now(), 0.812, 0.80, 0.77));
        ModelVersion v2 = version(2, 80, evaluation(2, "fashion-mnist@10000/10000", Instant.now(), 0.785, 0.80, 0.77));

        String table = EvaluationTable.render("m", List.of(v1, v2));

        assertThat(table).contains("vs raw", "linear: a linear classifier", "knn@K", "fit on T labelled");
        assertThat(line(table, "v1 ")).endsWith("+1.2");
        assertThat(line(table, "v2 ")).endsWith("-1.5");
        assertThat(table).doesNotContain("no better than a randomly initialised encoder");
    }

    @Test
    void tableSaysWhenTheNewestEncoderIsNoBetterThanARandomOne() {
        ModelVersion v1 = version(1, 2, evaluation(1, "fashion-mnist@10000/10000", Instant.now(), 0.75, 0.80, 0.77));

        String table = EvaluationTable.render("m", List.of(v1));

        assertThat(table).contains("v1 (2 steps, 512 samples) is no better than a randomly initialised encoder on linear 75.0% "
                + "against 77.0%", "hardly been trained");
    }

    /**
     * A second evaluator scored v1 on another dataset after the Fashion-MNIST one: each table shows its own dataset's
     * numbers, never the newest of any dataset, and says which dataset it is.
     */
    @Test
    void tableGroupsEvaluationsByDatasetAndShowsWhich() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        ModelVersion v1 = version(1, 100, evaluation(1, "fashion-mnist@10000/10000", t, 0.812, 0.80, 0.77),
                evaluation(1, "shop@200/100", t.plusSeconds(60), 0.55, 0.50, 0.40));
        ModelVersion v2 = version(2, 200, evaluation(2, "fashion-mnist@10000/10000", t.plusSeconds(120), 0.823, 0.80, 0.77));

        String both = EvaluationTable.render("m", List.of(v1, v2));
        String fashion = both.substring(0, both.indexOf("model m, dataset shop@200/100"));
        String shop = both.substring(both.indexOf("model m, dataset shop@200/100"));
        assertThat(fashion).contains("model m, dataset fashion-mnist@10000/10000");
        assertThat(line(fashion, "v1 ")).contains("81.2%").doesNotContain("55.0%");
        assertThat(line(shop, "v1 ")).contains("55.0%");
        assertThat(line(shop, "v2 ")).contains("pending");

        String only = EvaluationTable.render("m", List.of(v1, v2), "fashion-mnist@10000/10000");
        assertThat(only).doesNotContain("shop", "55.0%");
        assertThat(line(only, "v1 ")).contains("81.2%");
    }

    /** ./stack waits for its evaluator's dataset: an evaluation on another dataset does not count as done. */
    @Test
    void stackCountsOnlyEvaluationsOnItsOwnDataset() {
        Instant t = Instant.now();
        ModelVersion elsewhere = version(1, 100, evaluation(1, "shop@200/100", t, 0.55, 0.50, 0.40));
        ModelVersion here = version(2, 200, evaluation(2, "fashion-mnist@10000/10000", t, 0.8, 0.8, 0.77));

        assertThat(StackCommand.evaluated(elsewhere, "fashion-mnist@10000/10000")).isFalse();
        assertThat(StackCommand.evaluated(here, "fashion-mnist@10000/10000")).isTrue();
    }

    /** In a log, a wait prints a line when what it reports changes, not at every poll. */
    @Test
    void waitLinesOutsideATerminalArePrintedWhenTheyChange() {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        StackCommand.StatusLine line = new StackCommand.StatusLine(new java.io.PrintStream(buf, true), false);
        for (int i = 0; i < 20; i++) {
            line.show("waiting for 2 (0:" + i + ")", 2L);
        }
        line.show("waiting for 1 (0:21)", 1L);
        line.end();
        assertThat(buf.toString().lines()).containsExactly("waiting for 2 (0:0)", "waiting for 1 (0:21)");
    }

    private static ModelVersion version(int version, long step, EvaluationCompleted... evaluations) {
        return new ModelVersion("m", version, "r", "simclr", "small-cnn", step, step * 256, 4.0, "a".repeat(64), 10,
                Instant.now(), List.of(), Map.of(), null, List.of(evaluations));
    }

    /** A succeeded evaluation with {@code linear} results of the encoder and both baselines. */
    private static EvaluationCompleted evaluation(int version, String dataset, Instant at, double encoder, double raw, double random) {
        return new EvaluationCompleted(1, UUID.randomUUID(), at, "m", version, "a".repeat(64), dataset,
                EvaluationCompleted.SUCCEEDED, null, List.of(
                new ProtocolResult("linear", "encoder", Map.of(), encoder, 0, 1),
                new ProtocolResult("linear", "raw-pixels", Map.of(), raw, 0, 1),
                new ProtocolResult("linear", "random-init", Map.of(), random, 0, 1)), 3);
    }

    /** The first line of {@code table} that starts with {@code prefix}, trailing spaces removed. */
    private static String line(String table, String prefix) {
        return table.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + table)).stripTrailing();
    }
}
