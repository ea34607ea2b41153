package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.augmenter.AugmentedSample;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.config.AugmenterConfig;
import io.sslstream.contracts.Topics;
import io.sslstream.service.messaging.DeadLetter;
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
 * <p>Every view-set record carries the raw sample's dataset in the {@link Topics#HEADER_DATASET} header, so that
 * what is trained on it can say which data it came from.
 *
 * <p>Bad input is not an error here: it becomes a dead-letter record ({@link DeadLetter}: reason, stage, message
 * and source headers); so does a record whose key is not its sample id ({@link Augmenter#KEY_MISMATCH}; a record
 * without a key is augmented), and a sample that uses up its CPU time ({@link io.sslstream.augmenter.CpuBudget}). Only failures nobody expected (a bug, or the broker refusing a record) nack the input, and
 * the channel's {@code dead-letter-queue} failure strategy stores it in the same topic, with the same headers.
 */
@ApplicationScoped
public class SampleProcessor {

    /** DLQ reason of a recipe that threw: a bug, not bad input. */
    public static final String INTERNAL_ERROR = "augment.internal-error";
    /** DLQ reason of an output the broker did not store. */
    public static final String PUBLISH_FAILED = "publish.failed";

    private final Augmenter augmenter;
    private final AugmenterMetrics metrics;
    private final int workers;
    private final ExecutorService pool;

    @Inject
    SampleProcessor(Augmenter augmenter, AugmenterMetrics metrics, AugmenterConfig config) {
        this(augmenter, metrics, config.workers().orElse(Runtime.getRuntime().availableProcessors()));
    }

    SampleProcessor(Augmenter augmenter, AugmenterMetrics metrics, int workers) {
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
            return viewSets(in, augmenter.augment(DeadLetter.key(in), in.getPayload()));
        } catch (RejectedSampleException e) {
            metrics.deadLettered(e.reason(), e.stage());
            Log.debugf("Rejected %s: %s (%s)", DeadLetter.source(in), e.reason(), e.getMessage());
            return List.of(deadLetter(in, e));
        } catch (RuntimeException e) {
            DeadLetter bug = DeadLetter.of(INTERNAL_ERROR, RejectedSampleException.STAGE_AUGMENT, e.toString(), in);
            metrics.deadLettered(bug.reason(), bug.stage());
            Log.errorf(e, "Cannot augment %s; it goes to %s through the failure strategy", bug.source(), Topics.SAMPLES_DLQ);
            in.nack(e, bug.nackMetadata());
            return List.of();
        } finally {
            metrics.stopTiming(timing);
        }
    }

    private List<Message<byte[]>> viewSets(Message<byte[]> in, AugmentedSample sample) {
        AckFanIn fanIn = new AckFanIn(in, sample.outputs().size());
        RecordHeader dataset = new RecordHeader(Topics.HEADER_DATASET, sample.dataset().getBytes(StandardCharsets.UTF_8));
        List<Message<byte[]>> out = new ArrayList<>(sample.outputs().size());
        for (AugmentedSample.Output o : sample.outputs()) {
            OutgoingKafkaRecordMetadata<String> md = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(o.topic()).withKey(sample.sampleId()).addHeaders(dataset).build();
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
        DeadLetter letter = DeadLetter.of(e.reason(), e.stage(), e.getMessage(), in);
        return Message.of(in.getPayload(), Metadata.of(letter.metadata(Topics.SAMPLES_DLQ, DeadLetter.key(in))),
                fanIn::ack,
                failure -> fanIn.nack(failure, publishFailed(in, failure)));
    }

    /** Counts the refused output; the input goes to the dead-letter topic through the failure strategy. */
    private Metadata publishFailed(Message<byte[]> in, Throwable failure) {
        metrics.producerError();
        Log.warnf("The broker did not store a record of %s (%s); the input goes to %s", DeadLetter.source(in), failure,
                Topics.SAMPLES_DLQ);
        return DeadLetter.of(PUBLISH_FAILED, RejectedSampleException.STAGE_PUBLISH, failure.toString(), in).nackMetadata();
    }
}
