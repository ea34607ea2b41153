package io.sslstream.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    @Test
    void sectionsAreReplacedInPlaceAndOthersKept(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("benchmarks.md");
        new Report("A", "./bench a").table(List.of("x", "y"), List.of(List.of("1", "2"))).writeTo(doc, "a");
        new Report("B", "./bench b").paragraph("first b").writeTo(doc, "b");
        new Report("B", "./bench b").paragraph("second b").writeTo(doc, "b");
        String text = Files.readString(doc);
        assertThat(text).startsWith("# Benchmarks").contains("| x | y |", "| 1 | 2 |", "second b", "Machine: ", "Command: `./bench a`");
        assertThat(text).doesNotContain("first b");
        assertThat(text.indexOf("bench:a:start")).isLessThan(text.indexOf("bench:b:start"));
    }

    @Test
    void statsAreNearestRank() {
        double[] v = {5, 1, 4, 2, 3};
        assertThat(Stats.median(v)).isEqualTo(3);
        assertThat(Stats.percentile(v, 95)).isEqualTo(5);
        assertThat(Stats.percentile(v, 20)).isEqualTo(1);
        assertThat(Main.camel("quality-probe")).isEqualTo("QualityProbe");
        assertThat(Main.duration("90s").toSeconds()).isEqualTo(90);
    }
}
