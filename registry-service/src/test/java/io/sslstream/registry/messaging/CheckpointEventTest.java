package io.sslstream.registry.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import io.sslstream.registry.store.Jdbc;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class CheckpointEventTest {

    @Inject
    Jdbc jdbc;

    @Test
    void everyVersionIsAnnouncedOnTheCheckpointsTopic() {
        String model = TestData.uniqueModel("event");
        ModelVersion v1 = TestData.createVersion(model, 5);
        ModelVersion v2 = TestData.createVersion(model, 6);

        List<ConsumerRecord<String, String>> records = consume(model, 2);

        assertThat(records).extracting(ConsumerRecord::key).containsOnly(model);
        List<CheckpointPublished> events = records.stream().map(r -> Json.read(r.value(), CheckpointPublished.class)).toList();
        assertThat(events).extracting(CheckpointPublished::version).containsExactly(1, 2);
        CheckpointPublished first = events.get(0);
        assertThat(first.schemaVersion()).isEqualTo(CheckpointPublished.SCHEMA_VERSION);
        assertThat(first.modelName()).isEqualTo(model);
        assertThat(first.weightsSha256()).isEqualTo(v1.weightsSha256());
        assertThat(first.weightsSize()).isEqualTo(v1.weightsSize());
        assertThat(first.step()).isEqualTo(5);
        assertThat(first.runId()).isEqualTo(v1.runId());
        assertThat(first.timestamp()).isEqualTo(v1.createdAt());
        assertThat(events.get(1).weightsSha256()).isEqualTo(v2.weightsSha256());
        assertThat(events).extracting(CheckpointPublished::eventId).doesNotHaveDuplicates();
    }

    @Test
    void aCreateRetriedWithItsKeyAnnouncesNothingNew() {
        String model = TestData.uniqueModel("event-idem");
        String sha = TestData.uploadBlob(TestData.randomBytes(3000, 51));
        CreateVersionRequest request = new CreateVersionRequest(sha, TestData.manifest(model, 60, 0.5), null);
        String key = IdempotencyKey.forCheckpoint("local", 60, sha);
        for (int status : new int[]{201, 200, 200}) {
            given().contentType(ContentType.JSON).header(IdempotencyKey.HEADER, IdempotencyKey.toHeaderValue(key))
                    .body(Json.write(request))
                    .when().post("/api/v1/models/" + model + "/versions")
                    .then().statusCode(status).body("version", equalTo(1));
        }
        // a version made after the retries: the relay publishes in outbox order, so an event a retry had added would
        // arrive before this one's
        TestData.createVersion(model, 61);

        List<CheckpointPublished> events = consume(model, 2).stream()
                .map(r -> Json.read(r.value(), CheckpointPublished.class)).toList();
        long outboxRows = jdbc.read("count outbox rows", c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE record_key = ?")) {
                ps.setString(1, model);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });

        assertThat(events).extracting(CheckpointPublished::version).containsExactly(1, 2);
        assertThat(events.get(0).weightsSha256()).isEqualTo(sha);
        assertThat(outboxRows).isEqualTo(2);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("ssl_registry_versions_created_total{model=\"" + model + "\"} 2.0"))
                .body(containsString("ssl_registry_versions_replayed_total{model=\"" + model + "\"} 2.0"));
    }

    @Test
    void metricsAndHealthAreExported() {
        String model = TestData.uniqueModel("metrics");
        TestData.createVersion(model, 1);
        consume(model, 1);
        given().body(new byte[]{1}).contentType("application/octet-stream")
                .when().put("/api/v1/blobs/sha256/" + "0".repeat(64)).then().statusCode(400);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("ssl_registry_versions_created_total{model=\"" + model + "\"} 1.0"))
                .body(containsString("ssl_registry_outbox_pending 0.0"))
                .body(containsString("ssl_registry_events_published_total"))
                .body(containsString("ssl_registry_blobs_bytes_stored_total"))
                .body(containsString("ssl_registry_upload_rejected_total{reason=\"digest-mismatch\"}")));
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("blob-store"));
    }

    /** Reads {@link Topics#CHECKPOINTS} from the start until {@code count} records keyed {@code model} arrived. */
    private static List<ConsumerRecord<String, String>> consume(String model, int count) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> mine = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.CHECKPOINTS));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (model.equals(r.key())) {
                        mine.add(r);
                    }
                }
                return mine.size() >= count;
            });
        }
        return mine;
    }
}
