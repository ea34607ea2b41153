package io.sslstream.trainer.messaging;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.sslstream.contracts.checkpoint.OffsetKey;
import io.sslstream.trainer.sync.GroupOffsets;
import io.sslstream.trainer.checkpoint.ResumeService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Positions the view consumer on every assignment, never trusting the group's committed offsets (which are only the
 * last spooled checkpoint's, for lag monitoring: {@link CheckpointOffsets}):
 * <ul>
 *     <li>a partition this process already read from continues where it stopped reading ({@link ReadPositions}): the
 *     records before that are in its queue or trained;</li>
 *     <li>a partition it gets for the first time starts at the resumed checkpoint's offset for it, so that the
 *     records trained after the checkpoint (lost with the process that trained them) are trained again and none is
 *     skipped;</li>
 *     <li>a partition the checkpoint has no offset for (a fresh run, or none of its records trained before the
 *     checkpoint) starts at its beginning: nothing of it was kept.</li>
 * </ul>
 */
@ApplicationScoped
@Identifier(ViewsRebalanceListener.NAME)
public class ViewsRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The name {@code mp.messaging.incoming.views.consumer-rebalance-listener.name} refers to. */
    public static final String NAME = "trainer-views-rebalance";

    private final ResumeService resume;
    private final ReadPositions positions;
    private final GroupOffsets group;

    ViewsRebalanceListener(ResumeService resume, ReadPositions positions, GroupOffsets group) {
        this.resume = resume;
        this.positions = positions;
        this.group = group;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<OffsetKey, Long> offsets;
        try {
            // decided before training starts; the wait covers a slow download of the checkpoint from the registry
            offsets = resume.offsets(Duration.ofMinutes(2));
            if (group.replicated()) {
                // a replicated run: where the group's rounds got to, if further than the checkpoint
                Map<OffsetKey, Long> merged = new HashMap<>(offsets);
                group.await(Duration.ofMinutes(2)).forEach((k, v) -> merged.merge(k, v, Math::max));
                offsets = merged;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (TimeoutException | RuntimeException e) {
            // the run cannot resume (the trainer fails with the reason) or the decision is late: read nothing
            Log.errorf("no resume decision for partitions %s (%s): pausing them", partitions, e.getMessage());
            consumer.pause(partitions);
            return;
        }
        for (TopicPartition tp : partitions) {
            Long own = positions.next(tp);
            Long checkpoint = offsets.get(new OffsetKey(tp.topic(), tp.partition()));
            if (own != null) {
                consumer.seek(tp, own);
                Log.infof("%s assigned again: continuing at offset %d, where this process stopped reading", tp, own);
            } else if (checkpoint != null) {
                consumer.seek(tp, checkpoint);
                Log.infof("resumed %s at offset %d (%s)", tp, checkpoint, group.replicated() ? "the replica group's" : "the checkpoint's");
            } else {
                consumer.seekToBeginning(List.of(tp));
                Log.infof("%s read from its beginning: %s", tp, offsets.isEmpty() ? "no checkpoint to resume from"
                        : "the checkpoint has no offset for it");
            }
        }
    }
}
