package io.sslstream.trainer.checkpoint;

import io.sslstream.trainer.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spool that cannot be listed, or a spooled checkpoint that cannot be read, might hold the run's newest checkpoint:
 * the run refuses to start, with the reason, rather than resume from an older one (the registry here is unreachable
 * on purpose: the spool is decided first).
 */
class ResumeServiceTest {

    static ResumeService resume(Path spool) {
        Map<String, String> props = TestConfigs.props("ssl.trainer.checkpoint.spool-dir", spool.toString(),
                "ssl.trainer.checkpoint.registry-url", "http://localhost:1", "ssl.trainer.run-id", "r1");
        return new ResumeService(TestConfigs.trainer(props), TestConfigs.settings(props));
    }

    @Test
    void aCorruptCheckpointInTheSpoolFailsTheStartNamingIt(@TempDir Path dir) throws IOException {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Path corrupt = Files.writeString(spool.resolve("r1-step000000090" + CheckpointUploader.SUFFIX), "not a zip");
        ResumeService resume = resume(spool);
        assertThatThrownBy(resume::find).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint " + corrupt + " in the spool cannot be read")
                .hasMessageContaining("move it out of the spool");

        // as the trainer sees it at start: the decision is a failure with that reason, which becomes the trainer's error
        resume.onStart(null);
        assertThatThrownBy(() -> resume.await(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("r1-step000000090" + CheckpointUploader.SUFFIX + " in the spool cannot be read");
    }

    @Test
    void aSpoolThatCannotBeListedFailsTheStart(@TempDir Path dir) throws IOException {
        Path spool = Files.writeString(dir.resolve("spool"), "a file where the spool should be");
        assertThatThrownBy(resume(spool)::find).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint spool " + spool + " cannot be listed");
    }
}
