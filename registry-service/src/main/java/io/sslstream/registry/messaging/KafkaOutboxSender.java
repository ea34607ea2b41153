package io.sslstream.registry.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.registry.store.OutboxStore.PendingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;

/**
 * Sends outbox events through the Kafka outgoing channel (producer with {@code acks=all} and idempotence, see
 * {@code application.properties}) and waits for the broker's acknowledgement.
 */
@ApplicationScoped
public class KafkaOutboxSender implements OutboxSender {

    private final MutinyEmitter<String> emitter;

    public KafkaOutboxSender(@Channel(Channels.CHECKPOINTS_OUT) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    @Override
    public void send(PendingEvent event, Duration timeout) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic())
                .withKey(event.key())
                .build();
        emitter.sendMessage(Message.of(event.payload()).addMetadata(metadata)).await().atMost(timeout);
    }
}
