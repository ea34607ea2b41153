package io.sslstream.trainer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.model.checkpoint.CheckpointArchive;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trainer whose step count never reaches {@code checkpoint.every-steps} still publishes, every
 * {@code checkpoint.interval}: a slow trainer (the local stack's, at 10 s a step) otherwise showed no version until
 * it stopped. Real broker, real spool files; the registry is unreachable, so every checkpoint stays in the spool.
 */
@QuarkusTest
@TestProfile(TimedCheckpointTest.ByTimeOnly.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class TimedCheckpointTest {

    static final Duration INTERVAL = Duration.ofSeconds(2);

    /** Steps would checkpoint only at step 1,000,000: whatever is spooled before was spooled by time. */
    public static class ByTimeOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ssl.trainer.checkpoint.every-steps", "1000000",
                    "ssl.trainer.checkpoint.interval", INTERVAL.toMillis() + "ms");
        }
    }

    @Test
    void checkpointsByTimeWhenStepsAreFewerThanEveryStepsAndNoSoonerThanTheInterval() throws Exception {
        Path spool = Path.of(ConfigProvider.getConfig().getValue("ssl.trainer.checkpoint.spool-dir", String.class));
        AtomicBoolean producing = new AtomicBoolean(true);
        FashionMnist.Split data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 1000);
        Thread producer = new Thread(() -> produceUntilStopped(data, producing), "test-views");
        producer.start();
        List<CheckpointManifest> spooled;
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> manifests(spool).size() >= 3);
            spooled = manifests(spool);
        } finally {
            producing.set(false);
            producer.join();
        }

        for (int i = 1; i < spooled.size(); i++) {
            CheckpointManifest before = spooled.get(i - 1);
            CheckpointManifest after = spooled.get(i);
            assertThat(after.step()).as("steps of consecutive checkpoints").isGreaterThan(before.step());
            // a checkpoint at every step (the machine permitting) would be a bug, not a timer
            Duration apart = Duration.between(trainedAt(before), trainedAt(after));
            assertThat(apart).as("time between the checkpoints at steps %d and %d", before.step(), after.step())
                    .isGreaterThanOrEqualTo(INTERVAL.minusMillis(100)); // wall clock against the monotonic one
        }
    }

    /** The spooled checkpoints' manifests, oldest step first. */
    private static List<CheckpointManifest> manifests(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        List<CheckpointManifest> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(spool)) {
            for (Path f : s.filter(f -> f.toString().endsWith(".ckpt.zip")).toList()) {
                out.add(CheckpointArchive.readManifest(f));
            }
        }
        out.sort(Comparator.comparingLong(CheckpointManifest::step));
        return out;
    }

    private static Instant trainedAt(CheckpointManifest m) {
        return Instant.parse(m.provenance().get(CheckpointManifest.Provenance.TRAINED_AT));
    }

    /** View sets of the Fashion-MNIST subset, a pass of 1,000 a second with new ids, until told to stop. */
    private static void produceUntilStopped(FashionMnist.Split data, AtomicBoolean producing) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        SplittableRandom rnd = new SplittableRandom(7);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int pass = 0; producing.get(); pass++) {
                for (int i = 0; i < data.count() && producing.get(); i++) {
                    String id = "fashion-mnist/timed-" + pass + "/" + i;
                    p.send(new ProducerRecord<>(Topics.views("simclr"), null, id,
                            TestViews.twoViews(id, data.images().item(i), rnd).encode(), TestViews.dataset("fashion-mnist")));
                }
                p.flush();
                Thread.sleep(1_000); // about what the trainer takes in a second: the test needs a stream, not a backlog
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
