package io.sslstream.trainer.checkpoint;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.trainer.TestConfigs;
import io.sslstream.trainer.TrainerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A spool that cannot be listed is reported as such, never taken for an empty one. */
class CheckpointUploaderTest {

    @Test
    void anUnreadableSpoolIsAProblemWithNoCountAndAFailureNeverAnEmptySpool(@TempDir Path dir) throws Exception {
        Path spool = dir.resolve("spool");
        Map<String, String> props = TestConfigs.props("ssl.trainer.checkpoint.spool-dir", spool.toString(),
                "ssl.trainer.checkpoint.registry-url", "http://localhost:1");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CheckpointUploader uploader = new CheckpointUploader(TestConfigs.trainer(props),
                new TrainerMetrics(registry, TestConfigs.settings(props)));
        uploader.open();
        Files.writeString(spool.resolve("run-step000000010" + CheckpointUploader.SUFFIX + ".tmp"), "half a checkpoint");
        assertThat(uploader.pending()).hasValue(0); // a file still being written is not pending
        assertThat(gauge(registry)).isZero();
        assertThat(uploader.problem()).isNull();

        // the spool's directory is replaced by a file: it cannot be listed any more
        Files.delete(spool.resolve("run-step000000010" + CheckpointUploader.SUFFIX + ".tmp"));
        Files.delete(spool);
        Files.writeString(spool, "not a directory");

        assertThat(uploader.pending()).isEmpty();
        assertThat(uploader.problem()).contains("checkpoint spool " + spool + " cannot be listed");
        assertThat(gauge(registry)).isNaN(); // no value, rather than a count that reads as "nothing waiting"
        Duration next = uploader.uploadOldest(Duration.ofMillis(1));
        assertThat(next).isEqualTo(Duration.ofMillis(2)); // a failed round, retried with a longer wait
        assertThat(registry.get(TrainerMetrics.CHECKPOINT_UPLOAD_FAILURES).counter().count()).isEqualTo(1);

        // repaired: the problem clears and the count is back
        Files.delete(spool);
        Files.createDirectories(spool);
        assertThat(uploader.pending()).hasValue(0);
        assertThat(uploader.problem()).isNull();
        assertThat(gauge(registry)).isZero();
    }

    private static double gauge(SimpleMeterRegistry registry) {
        return registry.get(TrainerMetrics.CHECKPOINTS_PENDING).gauge().value();
    }
}
