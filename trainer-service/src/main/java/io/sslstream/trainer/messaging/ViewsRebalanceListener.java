package io.sslstream.trainer.messaging;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.sslstream.contracts.checkpoint.OffsetKey;
import io.sslstream.trainer.checkpoint.ResumeService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Positions the view consumer where the resumed checkpoint stopped: the first time this process is assigned a
 * partition that the checkpoint's manifest has an offset for, the consumer seeks to it, so that the records trained
 * on after the checkpoint (lost with the process) are trained on again and none is skipped. Later assignments keep
 * the committed offsets: the records between those and the training position are still in this process's queue.
 */
@ApplicationScoped
@Identifier(ViewsRebalanceListener.NAME)
public class ViewsRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The name {@code mp.messaging.incoming.views.consumer-rebalance-listener.name} refers to. */
    public static final String NAME = "trainer-views-rebalance";

    private final ResumeService resume;
    private final Set<TopicPartition> positioned = ConcurrentHashMap.newKeySet();

    ViewsRebalanceListener(ResumeService resume) {
        this.resume = resume;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<OffsetKey, Long> offsets;
        try {
            // decided before the consumer started; the wait only guards against an unexpected start order
            offsets = resume.offsets(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (TimeoutException | RuntimeException e) {
            Log.errorf("no resume decision for partitions %s (%s): keeping the committed offsets", partitions, e.getMessage());
            return;
        }
        for (TopicPartition tp : partitions) {
            if (!positioned.add(tp)) {
                continue;
            }
            Long offset = offsets.get(new OffsetKey(tp.topic(), tp.partition()));
            if (offset != null) {
                consumer.seek(tp, offset);
                Log.infof("resumed %s at offset %d (the checkpoint's)", tp, offset);
            }
        }
    }
}
