package io.sslstream.eval.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import io.sslstream.eval.EvaluationService;
import io.sslstream.eval.RegistryUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code ssl.checkpoints} one event at a time, in order, on a worker thread (an evaluation takes a minute).
 * A malformed event, one the registry kept refusing transiently, or one whose evaluation failed for a reason of
 * this process (not of the checkpoint) is nacked: the failure strategy moves it to the dead-letter topic with the
 * reason in the headers, and the stream goes on.
 */
@ApplicationScoped
public class CheckpointConsumer {

    static final String MALFORMED = "malformed-event";
    static final String REGISTRY_UNAVAILABLE = "registry-unavailable";
    static final String INTERNAL_ERROR = "internal-error";

    private final EvaluationService service;

    CheckpointConsumer(EvaluationService service) {
        this.service = service;
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
            service.handle(event, received);
            return record.ack();
        } catch (RegistryUnavailableException e) {
            return reject(record, REGISTRY_UNAVAILABLE, e);
        } catch (RuntimeException e) {
            // not the checkpoint's fault (no work directory, the result could not be published): keep the event
            return reject(record, INTERNAL_ERROR, e);
        }
    }

    private static CompletionStage<Void> reject(KafkaRecord<String, String> r, String reason, Exception e) {
        String source = r.getTopic() + "/" + r.getPartition() + "/"
                + (r instanceof IncomingKafkaRecord<?, ?> in ? String.valueOf(in.getOffset()) : "?");
        Log.warnf("giving up checkpoint event %s (key %s): %s: %s", source, r.getKey(), reason, e.getMessage());
        RecordHeaders h = new RecordHeaders();
        h.add(Topics.HEADER_DLQ_REASON, bytes(reason));
        h.add(Topics.HEADER_DLQ_STAGE, bytes(Channels.DLQ_STAGE));
        h.add(Topics.HEADER_DLQ_MESSAGE, bytes(String.valueOf(e.getMessage())));
        h.add(Topics.HEADER_DLQ_SOURCE, bytes(source));
        return r.nack(e, Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(h).build()));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
