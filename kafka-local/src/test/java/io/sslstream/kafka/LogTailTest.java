package io.sslstream.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void onlyWhatIsAppendedAfterTheStartCounts() throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "failpoint reached: x\n");
        LogTail tail = LogTail.fromEnd(log);
        assertThat(tail.poll("failpoint reached: x")).isFalse();
        append(log, "something else\n");
        assertThat(tail.poll("failpoint reached: x")).isFalse();
        append(log, "failpoint reached: x\n");
        assertThat(tail.poll("failpoint reached: x")).isTrue();

        assertThat(LogTail.from(log, 0).poll("failpoint reached: x")).as("from the file's start").isTrue();
    }

    @Test
    void aLineWrittenInTwoPartsIsFound() throws Exception {
        Path log = dir.resolve("b.log");
        LogTail tail = LogTail.fromEnd(log);
        assertThat(tail.poll("failpoint reached")).as("no file yet").isFalse();
        Files.writeString(log, "line one\nfailpoint re");
        assertThat(tail.poll("failpoint reached")).isFalse();
        append(log, "ached: y\n");
        assertThat(tail.poll("failpoint reached")).isTrue();
    }

    @Test
    void aTruncatedFileIsReadFromItsStartAndAwaitGivesUpAtItsTimeout() throws Exception {
        Path log = Files.writeString(dir.resolve("c.log"), "a long first life of the file\n");
        LogTail tail = LogTail.fromEnd(log);
        Files.writeString(log, "ready\n");
        assertThat(tail.await("ready", Duration.ofSeconds(5))).isTrue();
        assertThat(tail.await("never", Duration.ofMillis(100))).isFalse();
    }

    private static void append(Path log, String text) throws Exception {
        Files.writeString(log, text, StandardOpenOption.APPEND);
    }
}
