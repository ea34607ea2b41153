package io.sslstream.eval.messaging;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import io.sslstream.eval.DependencyRetry;
import io.sslstream.eval.EvalMetrics;
import io.sslstream.eval.EvaluationPipeline;
import io.sslstream.eval.StoppingException;
import io.sslstream.service.messaging.DeadLetter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code ssl.checkpoints} one event at a time, in order, on a worker thread (an evaluation takes a minute), and
 * acknowledges an event once its evaluation is stored and published (the throttled commit strategy then commits it).
 *
 * <p>What becomes of an event that does not go through:
 * <ul>
 *   <li>a checkpoint that cannot be evaluated (not found, checksum, unreadable archive, wrong shape) is not a failure
 *       here: the pipeline stores and publishes a {@code failed} evaluation with the reason, and the event is acked;</li>
 *   <li>an unavailable dependency (the registry, the broker, the work directory) is waited for inside the pipeline,
 *       as long as it takes, and never reaches this class; meanwhile this event is the only one in progress, and the
 *       connector keeps polling with the partition paused, so the consumer stays in its group (see
 *       {@code application.properties});</li>
 *   <li>a shutdown during such a wait leaves the event unacknowledged: nothing commits its offset and nothing sends it
 *       to the dead-letter topic, so the next process in the group reads it again. So does any failure while the
 *       process is stopping (the producer closing under a publish is not the event's fault);</li>
 *   <li>a malformed event ({@link Channels#DLQ_MALFORMED}) and an exception nobody classified, a bug
 *       ({@link Channels#DLQ_INTERNAL_ERROR}, which would fail again on every retry and hold up every later event),
 *       are nacked: the failure strategy moves them to {@code ssl.checkpoints.dlq} with the reason in the headers,
 *       they are counted ({@link EvalMetrics#DEAD_LETTERS}), and the stream goes on.</li>
 * </ul>
 */
@ApplicationScoped
public class CheckpointConsumer {

    private final EvaluationPipeline pipeline;
    private final DependencyRetry retry;
    private final EvalMetrics metrics;

    CheckpointConsumer(EvaluationPipeline pipeline, DependencyRetry retry, EvalMetrics metrics) {
        this.pipeline = pipeline;
        this.retry = retry;
        this.metrics = metrics;
    }

    @Incoming(Channels.CHECKPOINTS)
    @Blocking(ordered = true)
    public CompletionStage<Void> consume(KafkaRecord<String, String> record) {
        Instant received = Instant.now();
        CheckpointPublished event;
        try {
            event = Json.read(record.getPayload(), CheckpointPublished.class);
        } catch (IllegalArgumentException | NullPointerException e) {
            return reject(record, Channels.DLQ_MALFORMED, e, e.getMessage());
        }
        try {
            pipeline.handle(event, received);
            return record.ack();
        } catch (StoppingException e) {
            return leave(record, e);
        } catch (RuntimeException e) {
            if (retry.isStopping()) {
                return leave(record, e);
            }
            Log.errorf(e, "checkpoint event %s v%d failed with an unexpected exception", event.modelName(), event.version());
            return reject(record, Channels.DLQ_INTERNAL_ERROR, e, e.toString()); // the class, too: an NPE has no message
        }
    }

    /** Neither ack nor nack: the offset is not committed, the event is not dead-lettered; the next process reads it. */
    private static CompletionStage<Void> leave(KafkaRecord<String, String> r, RuntimeException e) {
        Log.infof("checkpoint event %s (key %s) left unacknowledged, to be read again after the restart: %s",
                DeadLetter.source(r), r.getKey(), e.getMessage());
        return new CompletableFuture<>(); // the process is stopping: nothing waits for this
    }

    private CompletionStage<Void> reject(KafkaRecord<String, String> r, String reason, Exception e, String message) {
        DeadLetter dl = DeadLetter.of(reason, Channels.DLQ_STAGE, message, r);
        Log.warnf("giving up checkpoint event %s (key %s): %s: %s", dl.source(), r.getKey(), reason, message);
        metrics.deadLetter(reason);
        return r.nack(e, dl.nackMetadata());
    }
}
