package io.sslstream.eval.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.eval.Dependency;
import io.sslstream.eval.DependencyUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Publishes evaluations on {@code ssl.evaluations} (key = model name) and waits for the broker's acknowledgement. */
@ApplicationScoped
public class EvaluationPublisher {

    private final MutinyEmitter<String> emitter;

    EvaluationPublisher(@Channel(Channels.EVALUATIONS) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends the evaluation and waits until the broker has it ({@code acks=all}). The producer retries by itself
     * within {@code delivery.timeout.ms}; a send that still fails is the broker's unavailability (not reachable,
     * not enough replicas, the topic missing, refused), for the caller to wait out, except a record the broker can
     * never take.
     *
     * @throws DependencyUnavailableException when the broker did not take the record
     */
    public void publish(EvaluationCompleted evaluation) {
        OutgoingKafkaRecordMetadata<String> meta = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(evaluation.modelName()).build();
        Message<String> message = Message.of(Json.writeString(evaluation)).addMetadata(meta); // a bug if this fails
        try {
            emitter.sendMessageAndAwait(message);
        } catch (RuntimeException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RecordTooLargeException || cause instanceof SerializationException) {
                throw e; // this record will never go, however long one waits
            }
            throw new DependencyUnavailableException(Dependency.KAFKA, "the broker did not take the evaluation: " + cause, e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
