package io.sslstream.trainer.messaging;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.trainer.RestoreCheck;
import io.sslstream.trainer.RunSettings;
import io.sslstream.trainer.TestConfigs;
import io.sslstream.trainer.TrainerMetrics;
import io.sslstream.trainer.sync.GroupOffsets;
import io.sslstream.trainer.checkpoint.ResumeService;
import io.sslstream.trainer.config.TrainerConfig;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the view consumer reads from after an assignment, never from the group's committed offsets: a partition this
 * process never read starts where the checkpoint (here: none, a fresh run) says, i.e. at its beginning, even with
 * offsets committed further on; a partition it gets back continues where this process stopped reading, neither
 * re-reading what is in its queue nor skipping anything, and a record fetched twice is taken once. (Seeking to a
 * checkpoint's offsets is tested end to end in TrainerResumeIT.)
 */
class ViewsRebalanceListenerTest {

    static final TopicPartition P0 = new TopicPartition("ssl.views.simclr", 0);
    static final TopicPartition P1 = new TopicPartition("ssl.views.simclr", 1);

    @Test
    void aNewPartitionStartsFromTheCheckpointAndAReturningOneWhereThisProcessStoppedReading() throws Exception {
        Map<String, String> props = TestConfigs.props("ssl.trainer.resume.enabled", "false");
        TrainerConfig config = TestConfigs.trainer(props);
        RunSettings settings = TestConfigs.settings(props);
        ResumeService resume = new ResumeService(config, settings, new RestoreCheck(settings, config),
                new TrainerMetrics(new SimpleMeterRegistry(), settings));
        resume.onStart(null); // fresh: no checkpoint
        ReadPositions positions = new ReadPositions();
        ViewsRebalanceListener listener = new ViewsRebalanceListener(resume, positions, new GroupOffsets(false));

        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        // what an earlier process read ahead and committed (the bug of issue #14: 7,316 committed, 2,816 trained)
        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(7316), P1, new OffsetAndMetadata(40)));

        listener.onPartitionsAssigned(consumer, List.of(P0, P1));
        assertThat(consumer.position(P0)).isZero();
        assertThat(consumer.position(P1)).isZero();

        // this process reads on; a rebalance (say, after a broker restart) hands it partition 0 again
        for (long offset = 0; offset < 500; offset++) {
            assertThat(positions.take(P0.topic(), 0, offset)).isTrue();
        }
        assertThat(positions.take(P0.topic(), 0, 120)).as("fetched again: taken once").isFalse();
        assertThat(positions.take(P0.topic(), 0, 499)).isFalse();
        consumer.seek(P0, 0);
        listener.onPartitionsAssigned(consumer, List.of(P0));
        assertThat(consumer.position(P0)).isEqualTo(500);
        assertThat(consumer.position(P1)).isZero();
    }
}
