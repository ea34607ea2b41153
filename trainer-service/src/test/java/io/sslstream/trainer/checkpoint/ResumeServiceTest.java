package io.sslstream.trainer.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.RestoreCheck;
import io.sslstream.trainer.RunSettings;
import io.sslstream.trainer.TestConfigs;
import io.sslstream.trainer.TestViews;
import io.sslstream.trainer.TrainerMetrics;
import io.sslstream.trainer.config.TrainerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which checkpoint a run resumes from, with real checkpoints written by a learner: a newest one that cannot be read or
 * whose weights hold a NaN is passed over, with the reason, for the newest good one; a run whose checkpoints are all
 * broken refuses to start rather than start over on top of them; a spool that cannot be listed refuses too. The
 * registry here is a stub that knows no model, so the spool is the only source.
 */
class ResumeServiceTest {

    static HttpServer registry;
    static FashionMnist.Split data;

    @BeforeAll
    static void start() throws IOException {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            byte[] body = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 64);
    }

    @AfterAll
    static void stop() {
        registry.stop(0);
    }

    static Map<String, String> props(Path spool) {
        return TestConfigs.props("ssl.trainer.checkpoint.spool-dir", spool.toString(),
                "ssl.trainer.checkpoint.registry-url", "http://127.0.0.1:" + registry.getAddress().getPort(),
                "ssl.trainer.run-id", "r1", "ssl.trainer.batch-size", "8");
    }

    static ResumeService resume(Path spool, SimpleMeterRegistry meters) {
        Map<String, String> props = props(spool);
        TrainerConfig config = TestConfigs.trainer(props);
        RunSettings settings = TestConfigs.settings(props);
        return new ResumeService(config, settings, new RestoreCheck(settings, config), new TrainerMetrics(meters, settings));
    }

    /** Trains {@code steps} steps and spools the checkpoint, as the trainer names it; {@code poison} puts a NaN in the encoder first. */
    static Path spoolCheckpoint(Path spool, RunSettings settings, int steps, boolean poison) throws IOException {
        return spoolCheckpoint(spool, settings, steps, poison, "ssl.views.simclr/0");
    }

    static Path spoolCheckpoint(Path spool, RunSettings settings, int steps, boolean poison, String offsetKey) throws IOException {
        SplittableRandom rnd = new SplittableRandom(steps);
        try (Learner learner = new Learner(settings.learner(), Device.cpu())) {
            for (int s = 0; s < steps; s++) {
                List<ViewSet> batch = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    batch.add(TestViews.twoViews("s" + i, data.images().item(rnd.nextInt(data.count())), rnd));
                }
                assertThat(learner.step(batch)).matches(Float::isFinite);
            }
            if (poison) {
                NDArray w = learner.method().encoder().getParameters().valueAt(0).getArray();
                float[] v = w.toFloatArray();
                v[3] = Float.NaN;
                w.set(v);
            }
            CheckpointManifest m = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, settings.modelName(), settings.runId(),
                    settings.method().method(), settings.method().architecture(), settings.method().input(), steps, steps * 8L,
                    settings.learner().seed(), settings.configHash(), settings.hyperparameters(),
                    Map.of(CheckpointManifest.Metrics.LOSS, 3.0), Map.of(offsetKey, steps * 8L), Map.of());
            Path file = spool.resolve(settings.runId() + "-step" + String.format("%09d", steps) + CheckpointUploader.SUFFIX);
            learner.save(file, m);
            return file;
        }
    }

    @Test
    void aCorruptAndANonFiniteNewestCheckpointArePassedOverForTheNewestGoodOne(@TempDir Path dir) throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        RunSettings settings = TestConfigs.settings(props(spool));
        spoolCheckpoint(spool, settings, 1, false);
        spoolCheckpoint(spool, settings, 2, true);
        Files.writeString(spool.resolve("r1-step000000003" + CheckpointUploader.SUFFIX), "not a zip");

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ResumeService resume = resume(spool, meters);
        Optional<ResumeService.Checkpoint> chosen = resume.find();

        assertThat(chosen).isPresent();
        assertThat(chosen.get().manifest().step()).isEqualTo(1);
        assertThat(chosen.get().source()).isEqualTo("spool r1-step000000001" + CheckpointUploader.SUFFIX);
        assertThat(resume.skipped()).hasSize(2);
        assertThat(resume.skipped().get(0)).startsWith("spool r1-step000000003" + CheckpointUploader.SUFFIX + ": cannot be read");
        assertThat(resume.skipped().get(1)).startsWith("step 2 (spool r1-step000000002" + CheckpointUploader.SUFFIX + "): not finite: ")
                .contains("holds a NaN");
        assertThat(meters.get(TrainerMetrics.CHECKPOINTS_SKIPPED).counter().count()).isEqualTo(2);
    }

    @Test
    void aCheckpointWhoseOffsetKeysDoNotParseIsPassedOver(@TempDir Path dir) throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        RunSettings settings = TestConfigs.settings(props(spool));
        spoolCheckpoint(spool, settings, 1, false);
        spoolCheckpoint(spool, settings, 2, false, "no-partition-here");
        ResumeService resume = resume(spool, new SimpleMeterRegistry());

        assertThat(resume.find()).hasValueSatisfying(c -> assertThat(c.manifest().step()).isEqualTo(1));
        assertThat(resume.skipped()).containsExactly("step 2 (spool r1-step000000002" + CheckpointUploader.SUFFIX
                + "): its manifest's offset key 'no-partition-here' is not topic/partition");
    }

    @Test
    void aRunWhoseCheckpointsAreAllBrokenRefusesToStartOverOnTopOfThem(@TempDir Path dir) throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        spoolCheckpoint(spool, TestConfigs.settings(props(spool)), 2, true);
        ResumeService resume = resume(spool, new SimpleMeterRegistry());

        // as the trainer sees it at start: the decision is a failure with the reason, which becomes the trainer's error
        resume.onStart(null);
        assertThatThrownBy(() -> resume.await(Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none of run r1's 1 checkpoint(s) can be resumed from")
                .hasMessageContaining("step 2 (spool r1-step000000002" + CheckpointUploader.SUFFIX + "): not finite");
    }

    @Test
    void aSpoolThatCannotBeListedFailsTheStart(@TempDir Path dir) throws IOException {
        Path spool = Files.writeString(dir.resolve("spool"), "a file where the spool should be");
        assertThatThrownBy(resume(spool, new SimpleMeterRegistry())::find).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint spool " + spool + " cannot be listed");
    }
}
