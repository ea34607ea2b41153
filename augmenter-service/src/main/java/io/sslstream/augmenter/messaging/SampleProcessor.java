package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.augmenter.AugmentedSample;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.config.AugmenterConfig;
import io.sslstream.contracts.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Raw samples in; view sets (one per recipe, each on its recipe's topic) or a dead-letter record out, all
 * through one outgoing channel.
 *
 * <p>Samples are augmented on a fixed pool of worker threads, several at a time, off the connector's event
 * loop; so records of different samples may leave in a different order than they came. Every input is
 * acknowledged only when the broker has stored all its outputs ({@link AckFanIn}), so offsets are committed
 * behind the stored results and a crash re-reads, never loses, a sample.
 *
 * <p>Bad input is not an error here: it becomes a dead-letter record with reason and stage headers. Only
 * failures nobody expected (a bug, or the broker refusing a record) nack the input, and the channel's
 * {@code dead-letter-queue} failure strategy stores it in the same topic, with the same headers.
 */
@ApplicationScoped
public class SampleProcessor {

    /** DLQ reason of a recipe that threw: a bug, not bad input. */
    public static final String INTERNAL_ERROR = "augment.internal-error";
    /** DLQ reason of an output the broker did not store. */
    public static final String PUBLISH_FAILED = "publish.failed";
    /** Longest error message put in a header. */
    static final int MAX_MESSAGE_CHARS = 1000;

    private final Augmenter augmenter;
    private final StreamMetrics metrics;
    private final int workers;
    private final ExecutorService pool;

    @Inject
    SampleProcessor(Augmenter augmenter, StreamMetrics metrics, AugmenterConfig config) {
        this(augmenter, metrics, config.workers().orElse(Runtime.getRuntime().availableProcessors()));
    }

    SampleProcessor(Augmenter augmenter, StreamMetrics metrics, int workers) {
        this.augmenter = augmenter;
        this.metrics = metrics;
        this.workers = workers;
        if (workers <= 0) {
            throw new IllegalArgumentException("ssl.augmenter.workers must be positive, got " + workers);
        }
        AtomicInteger n = new AtomicInteger();
        // a fixed pool: per-thread scratch buffers stay few, and CPU-bound work never reaches the event loop
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "augmenter-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        pool.shutdown();
    }

    @Incoming(Channels.SAMPLES_RAW)
    @Outgoing(Channels.VIEWS_OUT)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public Multi<Message<byte[]>> process(Multi<Message<byte[]>> samples) {
        return samples
                .onItem().transformToUni(in -> Uni.createFrom().item(() -> handle(in)).runSubscriptionOn(pool))
                .merge(workers)
                .onItem().transformToIterable(Function.identity());
    }

    /** The outgoing messages of one input; never throws, so that one record cannot stop the stream. */
    List<Message<byte[]>> handle(Message<byte[]> in) {
        metrics.sampleIn();
        Timer.Sample timing = metrics.startTiming();
        try {
            return viewSets(in, augmenter.augment(in.getPayload()));
        } catch (RejectedSampleException e) {
            metrics.rejected(e.reason(), e.stage());
            Log.debugf("Rejected %s: %s (%s)", source(in), e.reason(), e.getMessage());
            return List.of(deadLetter(in, e));
        } catch (RuntimeException e) {
            RejectedSampleException bug = new RejectedSampleException(INTERNAL_ERROR, RejectedSampleException.STAGE_AUGMENT,
                    e.toString(), e);
            metrics.rejected(bug.reason(), bug.stage());
            Log.errorf(e, "Cannot augment %s; it goes to %s through the failure strategy", source(in), Topics.SAMPLES_DLQ);
            in.nack(e, Metadata.of(dlqMetadata(in, bug)));
            return List.of();
        } finally {
            metrics.stopTiming(timing);
        }
    }

    private List<Message<byte[]>> viewSets(Message<byte[]> in, AugmentedSample sample) {
        AckFanIn fanIn = new AckFanIn(in, sample.outputs().size());
        List<Message<byte[]>> out = new ArrayList<>(sample.outputs().size());
        for (AugmentedSample.Output o : sample.outputs()) {
            OutgoingKafkaRecordMetadata<String> md = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(o.topic()).withKey(sample.sampleId()).build();
            out.add(Message.of(o.viewSet(), Metadata.of(md),
                    () -> {
                        metrics.viewSetOut(o.recipe());
                        return fanIn.ack();
                    },
                    failure -> fanIn.nack(failure, publishFailed(in, failure))));
        }
        return out;
    }

    private Message<byte[]> deadLetter(Message<byte[]> in, RejectedSampleException e) {
        AckFanIn fanIn = new AckFanIn(in, 1);
        return Message.of(in.getPayload(), Metadata.of(dlqMetadata(in, e)),
                fanIn::ack,
                failure -> fanIn.nack(failure, publishFailed(in, failure)));
    }

    private Metadata publishFailed(Message<byte[]> in, Throwable failure) {
        metrics.producerError();
        Log.warnf("The broker did not store a record of %s (%s); the input goes to %s", source(in), failure,
                Topics.SAMPLES_DLQ);
        return Metadata.of(dlqMetadata(in, new RejectedSampleException(PUBLISH_FAILED,
                RejectedSampleException.STAGE_PUBLISH, failure.toString(), failure)));
    }

    /** Key and value stay the original record's; the headers say why and where it was rejected. */
    private static OutgoingKafkaRecordMetadata<String> dlqMetadata(Message<byte[]> in, RejectedSampleException e) {
        String message = String.valueOf(e.getMessage());
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        IncomingKafkaRecordMetadata<String, byte[]> source = incoming(in);
        return OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.SAMPLES_DLQ)
                .withKey(source == null ? null : source.getKey())
                .addHeaders(header(Topics.HEADER_DLQ_REASON, e.reason()),
                        header(Topics.HEADER_DLQ_STAGE, e.stage()),
                        header(Topics.HEADER_DLQ_MESSAGE, message),
                        header(Topics.HEADER_DLQ_SOURCE, source(in)))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static IncomingKafkaRecordMetadata<String, byte[]> incoming(Message<byte[]> in) {
        return in.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
    }

    /** {@code topic/partition/offset} of the input. */
    private static String source(Message<byte[]> in) {
        IncomingKafkaRecordMetadata<String, byte[]> md = incoming(in);
        return md == null ? "unknown" : md.getTopic() + "/" + md.getPartition() + "/" + md.getOffset();
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
