package io.sslstream.trainer;

import io.sslstream.contracts.codec.ViewSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The hand-over between the Kafka consumer and the training thread. Bounded: when training is slower than
 * the stream, {@link #put} blocks the consumer, which pauses its partitions (backpressure, no buffering
 * without limit).
 */
@ApplicationScoped
public class ViewQueue {

    /**
     * A decoded view set and where it came from.
     *
     * @param dataset the record's {@code ssl-dataset} header, or null if it had none
     */
    public record Item(ViewSet views, String topic, int partition, long offset, String dataset) {

        /** A record without the dataset header. */
        public Item(ViewSet views, String topic, int partition, long offset) {
            this(views, topic, partition, offset, null);
        }
    }

    private static final int CAPACITY = 4096;

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);

    /**
     * Blocks while the queue is full; gives up (returns false) when {@code running} turns false, so that a
     * shutdown is never stuck behind a full queue.
     */
    public boolean put(Item item, BooleanSupplier running) throws InterruptedException {
        while (running.getAsBoolean()) {
            if (queue.offer(item, 200, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Waits for {@code n} items; returns {@code null} if {@code running} turns false first. */
    public List<Item> take(int n, BooleanSupplier running) throws InterruptedException {
        List<Item> batch = new ArrayList<>(n);
        while (batch.size() < n) {
            if (!running.getAsBoolean()) {
                return null;
            }
            Item first = queue.poll(200, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, n - batch.size());
            }
        }
        return batch;
    }

    public int size() {
        return queue.size();
    }
}
