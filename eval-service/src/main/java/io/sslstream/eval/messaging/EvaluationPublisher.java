package io.sslstream.eval.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes evaluations on {@code ssl.evaluations} (key = model name) and waits for the broker's acknowledgement. */
@ApplicationScoped
public class EvaluationPublisher {

    private final MutinyEmitter<String> emitter;

    EvaluationPublisher(@Channel(Channels.EVALUATIONS) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public void publish(EvaluationCompleted evaluation) {
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(evaluation.modelName()).build();
        emitter.sendMessageAndAwait(Message.of(Json.writeString(evaluation)).addMetadata(meta));
    }
}
