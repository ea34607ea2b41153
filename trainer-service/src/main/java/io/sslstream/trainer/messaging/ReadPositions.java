package io.sslstream.trainer.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where this process has read each views partition to: the offset after the last record it took (queued for training
 * or dead-lettered). A partition this process gets back after losing it (a rebalance, a broker restart) continues
 * here, since the records before it are already in this process's queue; only a partition it never read from is
 * positioned from the checkpoint ({@link ViewsRebalanceListener}).
 */
@ApplicationScoped
public class ReadPositions {

    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();

    /**
     * Takes the record at {@code offset} of the partition, unless this process took it (or a later one) already:
     * records fetched before a rebalance and fetched again after it are taken once, so no view set is trained twice
     * and the offsets always agree with the samples seen.
     *
     * @return true if the record is new to this process
     */
    public boolean take(String topic, int partition, long offset) {
        boolean[] fresh = {false};
        next.compute(new TopicPartition(topic, partition), (tp, n) -> {
            if (n != null && offset < n) {
                return n;
            }
            fresh[0] = true;
            return offset + 1;
        });
        return fresh[0];
    }

    /** The offset of the next record to read from the partition, or null if this process never read from it. */
    public Long next(TopicPartition tp) {
        return next.get(tp);
    }
}
