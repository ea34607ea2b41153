package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.sslstream.augmenter.AugmentedSample;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.contracts.Topics;
import io.sslstream.service.messaging.DeadLetter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one raw-sample record becomes: its view sets (one per recipe, each to its recipe's topic, keyed by the sample id)
 * or one dead-letter record. Thread-safe and free of threads and clients: {@link SampleStream} runs it on its workers
 * and sends what it returns.
 *
 * <p>Every view-set record carries the raw sample's dataset in the {@link Topics#HEADER_DATASET} header, so that what
 * is trained on it can say which data it came from.
 *
 * <p>Bad input is not an error here: it becomes a dead-letter record ({@link DeadLetter}: the record's key and value as
 * they came, and reason, stage, message and source headers); so does a record whose key is not its sample id
 * ({@link Augmenter#KEY_MISMATCH}; a record without a key is augmented), a sample that uses up its CPU time
 * ({@link io.sslstream.augmenter.CpuBudget}), and a recipe that throws ({@link #INTERNAL_ERROR}, a bug, logged as an
 * error). The one failure decided later, when the broker refuses an output, is dead-lettered with
 * {@link #publishFailed}.
 */
@ApplicationScoped
public class SampleProcessor {

    /** DLQ reason of a recipe that threw: a bug, not bad input. */
    public static final String INTERNAL_ERROR = "augment.internal-error";
    /** DLQ reason of an output the broker did not store. */
    public static final String PUBLISH_FAILED = "publish.failed";

    /**
     * One record to write.
     *
     * @param record the producer record (topic, key, value, headers)
     * @param recipe the recipe of a view set, or null for a dead letter
     */
    public record Output(ProducerRecord<String, byte[]> record, String recipe) {
    }

    private final Augmenter augmenter;
    private final AugmenterMetrics metrics;

    SampleProcessor(Augmenter augmenter, AugmenterMetrics metrics) {
        this.augmenter = augmenter;
        this.metrics = metrics;
    }

    /** The records {@code in} becomes; never throws, so that one record cannot stop the stream. */
    public List<Output> process(ConsumerRecord<String, byte[]> in) {
        metrics.sampleIn();
        Timer.Sample timing = metrics.startTiming();
        try {
            return viewSets(augmenter.augment(in.key(), in.value()));
        } catch (RejectedSampleException e) {
            metrics.deadLettered(e.reason(), e.stage());
            Log.debugf("Rejected %s: %s (%s)", source(in), e.reason(), e.getMessage());
            return List.of(deadLetter(in, new DeadLetter(e.reason(), e.stage(), e.getMessage(), source(in))));
        } catch (RuntimeException e) {
            DeadLetter bug = new DeadLetter(INTERNAL_ERROR, RejectedSampleException.STAGE_AUGMENT, e.toString(), source(in));
            metrics.deadLettered(bug.reason(), bug.stage());
            Log.errorf(e, "Cannot augment %s; it goes to %s", bug.source(), Topics.SAMPLES_DLQ);
            return List.of(deadLetter(in, bug));
        } finally {
            metrics.stopTiming(timing);
        }
    }

    /** The dead letter of {@code in} after the broker refused one of its outputs; counted as a producer error. */
    public Output publishFailed(ConsumerRecord<String, byte[]> in, Throwable failure) {
        metrics.producerError();
        Log.warnf("The broker did not store a record of %s (%s); the input goes to %s", source(in), failure, Topics.SAMPLES_DLQ);
        return deadLetter(in, new DeadLetter(PUBLISH_FAILED, RejectedSampleException.STAGE_PUBLISH, failure.toString(), source(in)));
    }

    private static List<Output> viewSets(AugmentedSample sample) {
        byte[] dataset = sample.dataset().getBytes(StandardCharsets.UTF_8);
        List<Output> out = new ArrayList<>(sample.outputs().size());
        for (AugmentedSample.Output o : sample.outputs()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(Topics.HEADER_DATASET, dataset));
            out.add(new Output(new ProducerRecord<>(o.topic(), null, sample.sampleId(), o.viewSet(), headers), o.recipe()));
        }
        return out;
    }

    /** The record as it came (key and value), to the dead-letter topic with the letter's headers. */
    private static Output deadLetter(ConsumerRecord<String, byte[]> in, DeadLetter letter) {
        return new Output(new ProducerRecord<>(Topics.SAMPLES_DLQ, null, in.key(), in.value(), letter.headers()), null);
    }

    private static String source(ConsumerRecord<?, ?> in) {
        return DeadLetter.source(in.topic(), in.partition(), in.offset());
    }
}
