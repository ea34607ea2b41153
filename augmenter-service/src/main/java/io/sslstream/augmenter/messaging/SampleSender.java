package io.sslstream.augmenter.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.contracts.codec.RawSample;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ingested samples to {@code ssl.samples.raw}, keyed by sample id, through a producer that keeps data
 * (idempotent, acks from all in-sync replicas, lz4; see {@code application.properties}), and waits until the broker
 * has stored every one of them.
 */
@ApplicationScoped
public class SampleSender {

    /** Records that may wait for the producer; a batch is at most {@code ssl.augmenter.ingest.max-batch} of them. */
    static final int BUFFER = 4096;

    private final MutinyEmitter<byte[]> emitter;

    SampleSender(@Channel(Channels.SAMPLES_IN) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
                 MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /**
     * Sends the samples and returns when the broker stored all of them.
     *
     * @throws java.util.concurrent.CompletionException or {@link io.smallrye.mutiny.TimeoutException} when a record
     *                                                  was refused or not stored in time
     */
    public void sendAll(List<RawSample> samples, Duration timeout) {
        List<Uni<Void>> sends = new ArrayList<>(samples.size());
        for (RawSample s : samples) {
            OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder().withKey(s.sampleId()).build();
            sends.add(emitter.sendMessage(Message.of(s.encode()).addMetadata(key)));
        }
        Uni.join().all(sends).andFailFast().await().atMost(timeout);
    }
}
