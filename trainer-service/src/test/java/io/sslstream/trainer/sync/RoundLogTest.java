package io.sslstream.trainer.sync;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The membership rule, record by record, as every replica applies it to the same topic. */
class RoundLogTest {

    static final String RUN = "r";
    static final String SHAPE = "shape";
    static final String H1 = "hash-1";
    /** A pseudo-gradient of 4 FP16 values, in two chunks of 4 bytes. */
    static final int BYTES = 8;

    RoundLog log;

    @BeforeEach
    void setUp() {
        log = new RoundLog(RUN, SHAPE, BYTES, 2);
        log.expect(1, H1, 2);
    }

    static SyncRecord chunk(int replica, String attempt, int i, long round, String hash, byte fill) {
        byte[] b = new byte[BYTES / 2];
        Arrays.fill(b, fill);
        return new SyncRecord(SyncRecord.Type.DELTA, RUN, round, hash, replica, attempt, 2, SHAPE, i, 2, 10, 10 * 32,
                Map.of("v/" + replica, 100L * replica + 50), null, b);
    }

    static SyncRecord close(int replica, long round, String hash, String reason) {
        return SyncRecord.close(RUN, round, hash, replica, "x", 2, SHAPE, reason);
    }

    @Test
    void membersAreThoseWholeBeforeTheFirstClose() {
        assertThat(log.offer(chunk(0, "a", 0, 1, H1, (byte) 1))).isEmpty();
        assertThat(log.offer(chunk(1, "b", 0, 1, H1, (byte) 2))).isEmpty();
        assertThat(log.offer(chunk(0, "a", 1, 1, H1, (byte) 1))).isEmpty();
        assertThat(log.completeCount()).isEqualTo(1);
        Optional<RoundLog.Closed> closed = log.offer(close(0, 1, H1, "timeout")); // replica 1's second chunk is not there yet
        assertThat(closed).isPresent();
        assertThat(closed.get().memberIds()).containsExactly(0);
        assertThat(closed.get().late()).containsExactly(1);
        assertThat(closed.get().reason()).isEqualTo("timeout");
        assertThat(closed.get().members().get(0).payload()).containsOnly((byte) 1).hasSize(BYTES);
        assertThat(closed.get().members().get(0).samples()).isEqualTo(320);
    }

    @Test
    void aCompleteRoundListsItsMembersInReplicaOrder() {
        log.offer(chunk(1, "b", 1, 1, H1, (byte) 2));
        log.offer(chunk(1, "b", 0, 1, H1, (byte) 2));
        log.offer(chunk(0, "a", 0, 1, H1, (byte) 1));
        log.offer(chunk(0, "a", 1, 1, H1, (byte) 1));
        assertThat(log.completeCount()).isEqualTo(log.expected());
        RoundLog.Closed closed = log.offer(close(1, 1, H1, "complete")).orElseThrow();
        assertThat(closed.memberIds()).containsExactly(0, 1);
        assertThat(closed.late()).isEmpty();
    }

    @Test
    void recordsOfOtherRoundsOtherWeightsOrOtherRunsDoNotCount() {
        log.offer(chunk(1, "b", 0, 1, "other-hash", (byte) 2));
        log.offer(chunk(1, "b", 1, 1, "other-hash", (byte) 2));
        log.offer(chunk(1, "b", 0, 0, H1, (byte) 2)); // an old round
        log.offer(new SyncRecord(SyncRecord.Type.DELTA, "another-run", 1, H1, 1, "c", 2, SHAPE, 0, 1, 1, 1, Map.of(), null, new byte[BYTES]));
        assertThat(log.offer(close(1, 1, "other-hash", "timeout"))).as("a close of the other timeline").isEmpty();
        assertThat(log.offer(close(1, 2, H1, "timeout"))).as("a close of another round").isEmpty();
        assertThat(log.otherWeights()).containsExactly(1);
        RoundLog.Closed closed = log.offer(close(0, 1, H1, "timeout")).orElseThrow();
        assertThat(closed.members()).isEmpty();
    }

    @Test
    void oneAttemptPerReplicaCountsAndChunksOfAttemptsDoNotMix() {
        log.offer(chunk(1, "old", 0, 1, H1, (byte) 7)); // the process died after one chunk
        log.offer(chunk(1, "new", 0, 1, H1, (byte) 2)); // its restart sends the round again
        log.offer(chunk(1, "new", 1, 1, H1, (byte) 2));
        log.offer(chunk(1, "old", 1, 1, H1, (byte) 7)); // cannot happen after a restart, but must not count twice
        RoundLog.Closed closed = log.offer(close(0, 1, H1, "timeout")).orElseThrow();
        assertThat(closed.memberIds()).containsExactly(1);
        assertThat(closed.members().get(0).attempt()).isEqualTo("new");
        assertThat(closed.members().get(0).payload()).containsOnly((byte) 2);
    }

    @Test
    void aPseudoGradientWithANaNOrTheWrongSizeDoesNotCount() {
        // 0x7e00 is a half NaN: every replica refuses it the same way, so no replica's weights take it
        log.offer(chunk(0, "a", 0, 1, H1, (byte) 0x7e));
        log.offer(chunk(0, "a", 1, 1, H1, (byte) 0x7e));
        log.offer(new SyncRecord(SyncRecord.Type.DELTA, RUN, 1, H1, 1, "b", 2, SHAPE, 0, 1, 1, 1, Map.of(), null, new byte[BYTES + 2]));
        assertThat(log.drainProblems()).hasSize(2).anySatisfy(p -> assertThat(p).contains("NaN")).anySatisfy(p -> assertThat(p).contains("10 bytes"));
        assertThat(log.offer(close(0, 1, H1, "timeout")).orElseThrow().members()).isEmpty();
    }

    @Test
    void theLargestConfiguredReplicaCountIsExpected() {
        SyncRecord three = new SyncRecord(SyncRecord.Type.DELTA, RUN, 1, H1, 2, "c", 3, SHAPE, 0, 1, 1, 1, Map.of(), null, new byte[BYTES]);
        log.offer(three);
        assertThat(log.expected()).as("a replica added while the others still say 2").isEqualTo(3);
    }

    @Test
    void recordsSurviveTheKafkaHeaders() {
        SyncRecord r = chunk(1, "b", 1, 1, H1, (byte) 3);
        var pr = r.toProducerRecord("ssl.trainer.sync");
        var cr = new org.apache.kafka.clients.consumer.ConsumerRecord<>("ssl.trainer.sync", 0, 5L, 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, pr.key(), pr.value(), pr.headers(), Optional.empty());
        SyncRecord back = SyncRecord.from(cr);
        assertThat(back).usingRecursiveComparison().isEqualTo(r);
    }
}
