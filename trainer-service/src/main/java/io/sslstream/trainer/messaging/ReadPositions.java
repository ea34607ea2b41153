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

    /** Records that the record at {@code offset} of the partition was taken. */
    public void taken(String topic, int partition, long offset) {
        next.merge(new TopicPartition(topic, partition), offset + 1, Math::max);
    }

    /** The offset of the next record to read from the partition, or null if this process never read from it. */
    public Long next(TopicPartition tp) {
        return next.get(tp);
    }
}
