package io.sslstream.eval.messaging;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.sslstream.eval.StatusBoard;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Counts partition assignments of the checkpoint consumer. An evaluation, and a wait for an unavailable registry or
 * broker, can outlast {@code max.poll.interval.ms}; the connector pauses the partitions and keeps polling meanwhile,
 * so the group must not rebalance: more than one assignment in a steady single-instance group says it did.
 */
@ApplicationScoped
@Identifier(Channels.CHECKPOINTS_REBALANCE)
public class CheckpointRebalanceListener implements KafkaConsumerRebalanceListener {

    private final StatusBoard board;

    CheckpointRebalanceListener(StatusBoard board) {
        this.board = board;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        board.partitionsAssigned();
        Log.infof("checkpoint partitions assigned: %s (assignment %d)", partitions, board.assignments());
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            Log.infof("checkpoint partitions revoked: %s", partitions);
        }
    }
}
