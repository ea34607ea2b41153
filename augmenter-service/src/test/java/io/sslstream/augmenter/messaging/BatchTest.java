package io.sslstream.augmenter.messaging;

import io.sslstream.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** When a batch counts as settled, and what it hands back for dead-lettering. */
class BatchTest {

    static ConsumerRecord<String, byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>(Topics.SAMPLES_RAW, partition, offset, "k" + offset, new byte[] {1});
    }

    final Batch batch = new Batch(List.of(record(0, 10), record(1, 7), record(0, 11)));

    @Test
    void itsOffsetsAreTheNextOfTheLastRecordOfEachPartition() {
        assertThat(batch.offsets()).isEqualTo(Map.of(
                new TopicPartition(Topics.SAMPLES_RAW, 0), new OffsetAndMetadata(12),
                new TopicPartition(Topics.SAMPLES_RAW, 1), new OffsetAndMetadata(8)));
    }

    @Test
    void itIsAnsweredOnlyWhenEveryOutputIsAndCountsWhatWasStored() {
        AtomicInteger stored = new AtomicInteger();
        Callback a = batch.output(0, stored::incrementAndGet);
        Callback b = batch.output(0, stored::incrementAndGet);
        Callback c = batch.output(2, stored::incrementAndGet);
        batch.markSent();

        a.onCompletion(null, null);
        c.onCompletion(null, null);
        assertThat(batch.answered()).isFalse();

        b.onCompletion(null, null);
        assertThat(batch.answered()).isTrue();
        assertThat(stored).hasValue(3);
        assertThat(batch.refused()).isEmpty();
    }

    @Test
    void aRecordWithRefusedOutputsIsHandedBackOnceAndItsDeadLetterMustBeStoredToo() {
        Callback a = batch.output(1, () -> { });
        Callback b = batch.output(1, () -> { });
        Callback c = batch.output(2, () -> { });
        batch.markSent();
        a.onCompletion(null, new RecordTooLargeException("too large"));
        b.onCompletion(null, new RecordTooLargeException("too large as well"));
        c.onCompletion(null, null);

        assertThat(batch.answered()).isTrue();
        List<Batch.Refusal> refused = batch.refused();
        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.record().offset()).isEqualTo(7);
            assertThat(r.failure()).hasMessage("too large");
        });
        assertThat(batch.refused()).as("each record once").isEmpty();

        Callback letter = batch.deadLetter();
        assertThat(batch.answered()).isFalse();
        letter.onCompletion(null, null);
        assertThat(batch.answered()).isTrue();
        assertThat(batch.deadLetterFailure()).isNull();
    }

    @Test
    void aRefusedDeadLetterFailsTheBatch() {
        Callback letter = batch.deadLetter();
        letter.onCompletion(null, new TimeoutException("broker gone"));

        assertThat(batch.answered()).isTrue();
        assertThat(batch.deadLetterFailure()).hasMessage("broker gone");
    }
}
