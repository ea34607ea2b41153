package io.sslstream.augmenter.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The records of one poll on their way through the stream: augmented (by the workers, {@link #augmented}), their outputs
 * sent in record order, then settled once the broker has answered every send. A record one of whose outputs the broker
 * refused is {@link #refused() handed back} to be dead-lettered, and the batch is settled only when those dead letters
 * are stored too. Only then are its {@link #offsets() offsets} committable: an input is acknowledged only behind its
 * stored outputs.
 *
 * <p>Sends are answered on the producer's I/O thread; everything else happens on the stream's thread.
 */
final class Batch {

    /** A record and why the broker refused one of its outputs. */
    record Refusal(int index, ConsumerRecord<String, byte[]> record, Exception failure) {
    }

    private final List<ConsumerRecord<String, byte[]>> records;
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final Set<Integer> refusedIndexes = new HashSet<>();
    private volatile Exception deadLetterFailure;
    private CompletableFuture<List<List<SampleProcessor.Output>>> augmented;
    private boolean sent;

    Batch(List<ConsumerRecord<String, byte[]>> records) {
        this.records = List.copyOf(records);
        for (ConsumerRecord<String, byte[]> r : records) {
            // records of a partition come in offset order: the last one's next offset is the partition's
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
    }

    List<ConsumerRecord<String, byte[]>> records() {
        return records;
    }

    int size() {
        return records.size();
    }

    /** Per partition, the offset to commit once this batch (and every earlier one) is settled. */
    Map<TopicPartition, OffsetAndMetadata> offsets() {
        return offsets;
    }

    void augmenting(CompletableFuture<List<List<SampleProcessor.Output>>> outputs) {
        this.augmented = outputs;
    }

    /** The outputs of every record, in record order, once the workers are done; null before it is handed to them. */
    CompletableFuture<List<List<SampleProcessor.Output>>> augmented() {
        return augmented;
    }

    /** True once every output has been handed to the producer. */
    boolean sent() {
        return sent;
    }

    void markSent() {
        sent = true;
    }

    /**
     * The callback of one send of record {@code index}'s output: {@code stored} runs when the broker stored it, a refusal
     * is kept for {@link #refused()}. Call it before the send: the answer may come before the send returns.
     */
    Callback output(int index, Runnable stored) {
        pending.incrementAndGet();
        return (metadata, e) -> {
            if (e == null) {
                stored.run();
            } else {
                refusals.add(new Refusal(index, records.get(index), e));
            }
            pending.decrementAndGet();
        };
    }

    /** The callback of one dead letter sent for a refused record: its failure fails the batch (the input is nowhere). */
    Callback deadLetter() {
        pending.incrementAndGet();
        return (metadata, e) -> {
            if (e != null && deadLetterFailure == null) {
                deadLetterFailure = e;
            }
            pending.decrementAndGet();
        };
    }

    /** True once every send made so far has been answered. */
    boolean answered() {
        return pending.get() == 0;
    }

    /**
     * The records with a refused output not handed out before, each once (a record can have several refused outputs).
     * Read once {@link #answered()}.
     */
    List<Refusal> refused() {
        List<Refusal> out = new ArrayList<>();
        for (Refusal r; (r = refusals.poll()) != null; ) {
            if (refusedIndexes.add(r.index())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The failure of a dead letter sent for a refused record, if any: the stream cannot go on past this batch. */
    Exception deadLetterFailure() {
        return deadLetterFailure;
    }
}
