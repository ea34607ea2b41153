package io.sslstream.contracts.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventJsonTest {

    @Test
    void checkpointPublishedRoundTripsWithIsoTimestamps() {
        CheckpointPublished e = new CheckpointPublished(1, UUID.randomUUID(), Instant.parse("2026-11-28T06:00:00Z"),
                "fmnist-simclr", 3, "run-1", "simclr", "small-cnn", 40, 10240, "ab".repeat(32), 1234);
        String json = Json.writeString(e);
        assertThat(json).contains("\"timestamp\":\"2026-11-28T06:00:00Z\"");
        assertThat(Json.read(json.getBytes(StandardCharsets.UTF_8), CheckpointPublished.class)).isEqualTo(e);
    }

    @Test
    void evaluationCompletedRoundTrips() {
        EvaluationCompleted e = new EvaluationCompleted(1, UUID.randomUUID(), Instant.now(), "m", 2, "cd".repeat(32),
                "fashion-mnist", EvaluationCompleted.SUCCEEDED, null,
                List.of(new ProtocolResult("knn@20", "encoder", Map.of("k", 20, "temperature", 0.07), 0.81, 0, 1.5)), 12.5);
        assertThat(Json.read(Json.write(e), EvaluationCompleted.class)).isEqualTo(e);
    }

    @Test
    void unknownFieldsAreIgnoredAndMalformedJsonIsExplained() {
        String json = Json.writeString(new CheckpointPublished(1, UUID.randomUUID(), Instant.now(), "m", 1, "r", "simclr",
                "small-cnn", 1, 1, "0".repeat(64), 1));
        String withExtra = json.replace("{\"schemaVersion\"", "{\"futureField\":[1,2],\"schemaVersion\"");
        assertThat(Json.read(withExtra, CheckpointPublished.class).modelName()).isEqualTo("m");
        assertThatThrownBy(() -> Json.read("{\"modelName\": ", CheckpointPublished.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed CheckpointPublished JSON");
        assertThatThrownBy(() -> Json.read(json.replace("\"version\":1", "\"version\":0"), CheckpointPublished.class))
                .hasMessageContaining("version must be >= 1");
        assertThatThrownBy(() -> Json.read(json.replace("\"step\":1,", ""), CheckpointPublished.class))
                .hasMessageContaining("Cannot map `null` into type `long`");
    }

    @Test
    void accuracyOutsideUnitIntervalIsRejected() {
        assertThatThrownBy(() -> new ProtocolResult("linear", "encoder", Map.of(), 1.5, 0, 0))
                .hasMessageContaining("accuracy must be in [0, 1]");
    }
}
