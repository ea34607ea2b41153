package io.sslstream.trainer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.model.BuildInfo;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.restassured.RestAssured;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

/**
 * The trainer against a real Kafka broker: it consumes view sets, trains, rejects bad records to the DLQ
 * and spools checkpoints. The registry is deliberately unreachable here (the end-to-end test in
 * {@code sslctl} covers the upload): checkpoints must then wait in the spool, not be lost.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class TrainerServiceTest {

    @Test
    void trainsOnTheStreamRejectsBadRecordsAndKeepsCheckpointsWhileTheRegistryIsDown() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        FashionMnist.Split data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 800);
        SplittableRandom rnd = new SplittableRandom(5);
        String topic = Topics.views("simclr");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < data.count(); i++) {
                String id = "fashion-mnist/train/" + i;
                p.send(new ProducerRecord<>(topic, null, id, TestViews.twoViews(id, data.images().item(i), rnd).encode(),
                        TestViews.dataset("fashion-mnist")));
                if (i == 100) {
                    byte[] good = TestViews.twoViews("bad-1", data.images().item(0), rnd).encode();
                    p.send(new ProducerRecord<>(topic, "bad-truncated", Arrays.copyOf(good, good.length - 10)));
                    byte[] small = new ViewSet("bad-2", "simclr", 1, 0, List.of(new View(8, 8, 1, new byte[64]),
                            new View(8, 8, 1, new byte[64])), null).encode();
                    p.send(new ProducerRecord<>(topic, "bad-shape", small));
                }
            }
            p.flush();
        }

        await().atMost(Duration.ofMinutes(3)).untilAsserted(() ->
                RestAssured.get("/api/v1/status").then().statusCode(200)
                        // 20 steps: the first 10 (initial loss) and the last 10 (current loss) do not overlap
                        .body("step", greaterThanOrEqualTo(20))
                        .body("pendingCheckpoints", greaterThanOrEqualTo(1)));
        Map<String, Object> status = RestAssured.get("/api/v1/status").then().extract().jsonPath().getMap("$");
        assertThat(status.get("state")).isIn("training", "waiting-for-data");
        assertThat(((Number) status.get("loss")).doubleValue()).isLessThan(((Number) status.get("initialLoss")).doubleValue());

        Map<String, String> reasons = dlqReasons(bootstrap, 2);
        assertThat(reasons).containsEntry("bad-truncated", "decode.truncated").containsEntry("bad-shape", "shape-mismatch");

        Path spool = Path.of(ConfigProvider.getConfig().getValue("ssl.trainer.checkpoint.spool-dir", String.class));
        List<Path> checkpoints;
        try (Stream<Path> s = Files.list(spool)) {
            checkpoints = s.filter(f -> f.toString().endsWith(".ckpt.zip")).toList();
        }
        assertThat(checkpoints).isNotEmpty();
        CheckpointManifest m = CheckpointArchive.readManifest(checkpoints.get(0));
        assertThat(m.step() % 10).isZero();
        assertThat(m.samplesSeen()).isEqualTo(m.step() * 32);
        assertThat(m.offsets()).containsKey(topic + "/0");
        assertThat(CheckpointArchive.entries(checkpoints.get(0))).containsKeys("manifest.json", "encoder.params", "head.params",
                "optimizer.bin");
        assertThat(m.method()).isEqualTo("simclr");
        assertThat(m.hyperparameters()).containsEntry("optimizer", "adamw").containsEntry("encoder", "small-cnn");
        // provenance: what it was trained on (the records' dataset header, the view sets' recipe and version) and by which code
        assertThat(m.provenance()).containsEntry(CheckpointManifest.Provenance.DATASET, "fashion-mnist")
                .containsEntry(CheckpointManifest.Provenance.RECIPE, "test")
                .containsEntry(CheckpointManifest.Provenance.RECIPE_VERSION, "1")
                .containsEntry(CheckpointManifest.Provenance.CODE_VERSION, BuildInfo.codeVersion())
                .containsKeys(CheckpointManifest.Provenance.ENGINE_VERSION, CheckpointManifest.Provenance.INTRA_OP_THREADS)
                .doesNotContainKey(CheckpointManifest.Provenance.RESUMED_FROM_STEP);
        assertThat(((Number) status.get("intraOpThreads")).intValue()).isEqualTo(Runtime.getRuntime().availableProcessors());

        // the group's committed offset is a spooled checkpoint's, never how far the consumer has read into its queue
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPartition p0 = new TopicPartition(topic, 0);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("trainer-local").partitionsToOffsetAndMetadata().get()
                        .get(p0);
                assertThat(committed).as("committed offset of %s", p0).isNotNull();
                List<Long> checkpointed = new java.util.ArrayList<>();
                try (Stream<Path> s = Files.list(spool)) {
                    for (Path f : s.filter(f -> f.toString().endsWith(".ckpt.zip")).toList()) {
                        checkpointed.add(CheckpointArchive.readManifest(f).offsets().get(topic + "/0"));
                    }
                }
                assertThat(checkpointed).contains(committed.offset());
            });
        }

        String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metrics).contains("ssl_trainer_steps_total", "ssl_trainer_step_time_seconds", "ssl_trainer_data_wait_seconds",
                "ssl_trainer_rejected_total{reason=\"shape-mismatch\"", "ssl_trainer_checkpoints_pending",
                "ssl_trainer_learning_rate{method=\"simclr\"", "ssl_trainer_run_step{", "ssl_trainer_run_samples_seen{",
                "ssl_trainer_samples_seen_total{", "ssl_trainer_loss{", "ssl_trainer_nonfinite_steps_total{",
                "ssl_trainer_checkpoints_skipped_total{");
    }

    private static Map<String, String> dlqReasons(String bootstrap, int expected) {
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-dlq", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.SAMPLES_DLQ));
            long deadline = System.currentTimeMillis() + 30_000;
            while (reasons.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    assertThat(new String(r.headers().lastHeader(Topics.HEADER_DLQ_STAGE).value(), StandardCharsets.UTF_8))
                            .isEqualTo("trainer.decode");
                    reasons.put(r.key(), new String(r.headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }
}
