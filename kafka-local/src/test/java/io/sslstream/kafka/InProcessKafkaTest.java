package io.sslstream.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InProcessKafkaTest {

    @Test
    void brokerStoresAndServesRecordsAndCreatesTopicsWithPartitions() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of("t.multi", 3));
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of("t.multi", 3)); // idempotent
            List<String> got = RoundTrip.produceAndConsume(kafka.bootstrapServers(), "t.multi", List.of("a", "b", "c", "d"));
            assertThat(got).containsExactlyInAnyOrder("a", "b", "c", "d");
        }
    }
}
