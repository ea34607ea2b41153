package io.sslstream.trainer.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.sslstream.contracts.checkpoint.OffsetKey;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;

/**
 * Commits the view consumer's group offsets to those of the newest spooled checkpoint, and nothing else: the group's
 * committed offsets then say how far the run's training is kept (its lag is what a crash would make it read again),
 * never how far the consumer has read ahead into its queue. The connector commits nothing itself
 * ({@code commit-strategy=ignore}), and the trainer never resumes from committed offsets: a process positions each
 * partition from its checkpoint ({@link ViewsRebalanceListener}).
 */
@ApplicationScoped
public class CheckpointOffsets {

    private final KafkaClientService clients;

    CheckpointOffsets(KafkaClientService clients) {
        this.clients = clients;
    }

    /** Commits the manifest's offsets ({@code topic/partition} keys) without waiting; a failure is logged, the next checkpoint commits again. */
    public void commit(Map<String, Long> manifestOffsets) {
        if (manifestOffsets.isEmpty()) {
            return;
        }
        KafkaConsumer<Object, Object> consumer = clients.getConsumer(Channels.VIEWS);
        if (consumer == null) {
            return; // not a Kafka channel (a wiring test's in-memory connector)
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        manifestOffsets.forEach((k, v) -> {
            OffsetKey key = OffsetKey.parse(k);
            offsets.put(new TopicPartition(key.topic(), key.partition()), new OffsetAndMetadata(v));
        });
        consumer.commit(offsets).subscribe().with(
                done -> Log.debugf("committed the checkpoint's offsets %s", manifestOffsets),
                failure -> Log.warnf("could not commit the checkpoint's offsets %s (%s); the next checkpoint commits again",
                        manifestOffsets, failure.toString()));
    }
}
