package io.sslstream.registry.it;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Reads {@link Topics#CHECKPOINTS} of a broker the way a consumer of the registry's events would. */
final class CheckpointTopic {

    private CheckpointTopic() {
    }

    /**
     * Every event of {@code model} from the start of the topic, read until events of {@code versions} distinct
     * versions arrived (duplicates of one event, which at-least-once delivery allows, are kept: callers count them).
     */
    static List<CheckpointPublished> read(String bootstrapServers, String model, int versions) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<CheckpointPublished> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.CHECKPOINTS));
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (model.equals(r.key())) {
                        events.add(Json.read(r.value(), CheckpointPublished.class));
                    }
                }
                return events.stream().map(CheckpointPublished::version).distinct().count() >= versions;
            });
        }
        return events;
    }
}
