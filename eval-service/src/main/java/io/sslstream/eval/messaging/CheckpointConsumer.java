package io.sslstream.eval.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import io.sslstream.eval.EvaluationPipeline;
import io.sslstream.eval.RegistryUnavailableException;
import io.sslstream.service.messaging.DeadLetter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code ssl.checkpoints} one event at a time, in order, on a worker thread (an evaluation takes a minute).
 * A malformed event, one the registry kept refusing transiently, or one whose evaluation failed for a reason of
 * this process (not of the checkpoint) is nacked: the failure strategy moves it to the dead-letter topic
 * ({@code ssl.checkpoints.dlq}) with the reason in the headers, and the stream goes on.
 */
@ApplicationScoped
public class CheckpointConsumer {

    static final String MALFORMED = "malformed-event";
    static final String REGISTRY_UNAVAILABLE = "registry-unavailable";
    static final String INTERNAL_ERROR = "internal-error";

    private final EvaluationPipeline pipeline;

    CheckpointConsumer(EvaluationPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Incoming(Channels.CHECKPOINTS)
    @Blocking(ordered = true)
    public CompletionStage<Void> consume(KafkaRecord<String, String> record) {
        Instant received = Instant.now();
        CheckpointPublished event;
        try {
            event = Json.read(record.getPayload(), CheckpointPublished.class);
        } catch (IllegalArgumentException | NullPointerException e) {
            return reject(record, MALFORMED, e);
        }
        try {
            pipeline.handle(event, received);
            return record.ack();
        } catch (RegistryUnavailableException e) {
            return reject(record, REGISTRY_UNAVAILABLE, e);
        } catch (RuntimeException e) {
            // not the checkpoint's fault (no work directory, the result could not be published): keep the event
            return reject(record, INTERNAL_ERROR, e);
        }
    }

    private static CompletionStage<Void> reject(KafkaRecord<String, String> r, String reason, Exception e) {
        DeadLetter dl = DeadLetter.of(reason, Channels.DLQ_STAGE, e.getMessage(), r);
        Log.warnf("giving up checkpoint event %s (key %s): %s: %s", dl.source(), r.getKey(), reason, e.getMessage());
        return r.nack(e, dl.nackMetadata());
    }
}
