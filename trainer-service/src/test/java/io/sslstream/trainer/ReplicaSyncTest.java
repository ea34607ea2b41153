package io.sslstream.trainer;

import ai.djl.Device;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.trainer.method.Byol;
import io.sslstream.trainer.sync.Half;
import io.sslstream.trainer.sync.SyncState;
import io.sslstream.trainer.sync.Synchronizer;
import io.sslstream.trainer.sync.Weights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DiLoCo between replicas in one JVM, on a real broker: real BYOL steps (so BatchNorm statistics and the target
 * network move too), real sync records. Steps run one replica after the other (libtorch allows one gradient collector
 * per process); the rounds' exchanges run on threads of their own, at the same time.
 */
class ReplicaSyncTest {

    static InProcessKafka kafka;
    static final AtomicInteger TOPICS = new AtomicInteger();
    static final int H = 3;

    @BeforeAll
    static void start() throws IOException {
        kafka = InProcessKafka.start();
        LearnerTest.read();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** A replica: its learner, its synchronizer, its own data. */
    static final class Replica implements AutoCloseable {
        final Learner learner;
        final Weights weights;
        final Synchronizer sync;
        final SplittableRandom data;

        Replica(int id, String topic, Duration timeout) {
            this(id, 2, topic, timeout);
        }

        Replica(int id, int replicas, String topic, Duration timeout) {
            learner = new Learner(LearnerTest.settings(Byol.NAME, 0), Device.cpu());
            weights = new Weights(learner.method());
            sync = Synchronizer.open(new Synchronizer.Settings(replicas, id, H, timeout, 0.7, 0.9, topic, 1024), "run", weights,
                    kafka.bootstrapServers());
            data = new SplittableRandom(100 + id);
        }

        void train() {
            for (int i = 0; i < H; i++) {
                assertThat(learner.step(LearnerTest.batch(Byol.NAME, 8, data))).isFinite();
            }
        }

        CompletableFuture<Synchronizer.Outcome> endRound() {
            return CompletableFuture.supplyAsync(() -> sync.sync(H, H * 8, Map.of(), () -> true));
        }

        String hash() {
            return Weights.hash(weights.read());
        }

        @Override
        public void close() {
            sync.close();
            learner.close();
        }
    }

    static String topic() {
        return "ssl.trainer.sync.test" + TOPICS.incrementAndGet();
    }

    @Test
    void twoReplicasEndEveryRoundOnTheSameWeightsAndTheOuterStepIsDiLoCos() throws Exception {
        String topic = topic();
        try (Replica a = new Replica(0, topic, Duration.ofMinutes(1)); Replica b = new Replica(1, topic, Duration.ofMinutes(1))) {
            assertThat(a.hash()).as("the seeded initial weights are the same on both").isEqualTo(b.hash());
            assertThat(a.sync.start(null, 0, Map.of(), () -> true)).isZero();
            assertThat(b.sync.start(null, 0, Map.of(), () -> true)).isZero();

            float[][] start = a.weights.read();
            a.train();
            b.train();
            float[][] localA = a.weights.read();
            float[][] localB = b.weights.read();
            assertThat(Weights.hash(localA)).isNotEqualTo(Weights.hash(localB));

            CompletableFuture<Synchronizer.Outcome> fa = a.endRound();
            CompletableFuture<Synchronizer.Outcome> fb = b.endRound();
            Synchronizer.Outcome oa = fa.get();
            Synchronizer.Outcome ob = fb.get();
            assertThat(oa.members()).containsExactly(0, 1);
            assertThat(oa.reason()).isEqualTo("complete");
            assertThat(oa.member()).isTrue();
            assertThat(ob.member()).isTrue();
            assertThat(oa.leader()).isTrue();
            assertThat(ob.leader()).isFalse();
            assertThat(a.hash()).isEqualTo(b.hash()).isEqualTo(oa.weightsHash()).isEqualTo(ob.weightsHash());

            // the reference: the first round's momentum is the mean pseudo-gradient itself, so a trained tensor moves
            // by lr (1 + momentum) g from the start, and an averaged one (running statistics, BYOL's target) to the mean
            float[][] after = a.weights.read();
            boolean[] trained = a.weights.trained();
            int checkedTrained = 0;
            int checkedAveraged = 0;
            for (int t = 0; t < start.length; t++) {
                for (int i = 0; i < start[t].length; i++) {
                    float da = Half.toFloat(Half.fromFloat(start[t][i] - localA[t][i]));
                    float db = Half.toFloat(Half.fromFloat(start[t][i] - localB[t][i]));
                    float g = (da + db) / 2;
                    float expected = trained[t] ? start[t][i] - 0.7f * (g + 0.9f * g) : start[t][i] - g;
                    assertThat(after[t][i]).as("%s[%d]", a.weights.name(t), i).isEqualTo(expected);
                }
                if (trained[t]) {
                    checkedTrained++;
                } else {
                    checkedAveraged++;
                }
            }
            assertThat(checkedTrained).isPositive();
            assertThat(checkedAveraged).as("BatchNorm statistics and the target network").isPositive();

            // a second round: again the same weights, new ones
            a.train();
            b.train();
            String before = a.hash();
            Synchronizer.Outcome second = a.endRound().thenCombine(b.endRound(), (x, y) -> x).get();
            assertThat(second.round()).isEqualTo(2);
            assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(before);
        }
    }

    @Test
    void aLateReplicaIsLeftOutTakesTheMembersStepAndARestartReplaysTheRounds() throws Exception {
        String topic = topic();
        try (Replica a = new Replica(0, topic, Duration.ofSeconds(2)); Replica b = new Replica(1, topic, Duration.ofSeconds(2))) {
            a.sync.start(null, 0, Map.of(), () -> true);
            b.sync.start(null, 0, Map.of(), () -> true);

            // round 1: B never comes; A closes it at its deadline, alone
            a.train();
            Synchronizer.Outcome alone = a.endRound().get();
            assertThat(alone.members()).containsExactly(0);
            assertThat(alone.reason()).isEqualTo("timeout");
            assertThat(alone.seconds()).isGreaterThanOrEqualTo(2.0);
            SyncState afterRound1 = a.sync.state();
            float[][] weightsAfterRound1 = a.weights.read();

            // B trains its round 1 late: its pseudo-gradient does not count, it takes A's step
            b.train();
            Synchronizer.Outcome late = b.endRound().get();
            assertThat(late.member()).isFalse();
            assertThat(late.round()).isEqualTo(1);
            assertThat(b.hash()).isEqualTo(a.hash());

            // round 2 with both
            a.train();
            b.train();
            Synchronizer.Outcome both = a.endRound().thenCombine(b.endRound(), (x, y) -> x).get();
            assertThat(both.members()).containsExactly(0, 1);
            assertThat(a.hash()).isEqualTo(b.hash());

            // B restarts with nothing (no checkpoint): from the seeded weights it replays both rounds
            try (Replica fresh = new Replica(1, topic, Duration.ofSeconds(2))) {
                assertThat(fresh.sync.start(null, 0, Map.of(), () -> true)).isEqualTo(2);
                assertThat(fresh.hash()).isEqualTo(a.hash());
                assertThat(fresh.sync.round()).isEqualTo(2);
            }
            // or from a checkpoint after round 1 (its weights and sync state, through bytes): it replays round 2
            try (Replica resumed = new Replica(1, topic, Duration.ofSeconds(2))) {
                resumed.weights.write(weightsAfterRound1);
                SyncState state = SyncState.fromBytes(afterRound1.toBytes());
                assertThat(resumed.sync.start(state, 0, Map.of(), () -> true)).isEqualTo(1);
                assertThat(resumed.hash()).isEqualTo(a.hash());

                // and takes part in the next round like any other replica
                a.train();
                resumed.train();
                Synchronizer.Outcome next = a.endRound().thenCombine(resumed.endRound(), (x, y) -> x).get();
                assertThat(next.members()).containsExactly(0, 1);
                assertThat(resumed.hash()).isEqualTo(a.hash());
            }
        }
    }

    @Test
    void scalingFromTwoToThreeReplicasIsARestartAtARoundBoundary() throws Exception {
        String topic = topic();
        String afterRound1;
        try (Replica a = new Replica(0, topic, Duration.ofMinutes(1)); Replica b = new Replica(1, topic, Duration.ofMinutes(1))) {
            a.sync.start(null, 0, Map.of(), () -> true);
            b.sync.start(null, 0, Map.of(), () -> true);
            a.train();
            b.train();
            a.endRound().thenCombine(b.endRound(), (x, y) -> x).get();
            afterRound1 = a.hash();
        }
        // every replica restarted with replicas = 3 (a rolling restart), and a third one: all replay round 1, then train
        // round 2 together
        try (Replica a = new Replica(0, 3, topic, Duration.ofMinutes(1)); Replica b = new Replica(1, 3, topic, Duration.ofMinutes(1));
             Replica c = new Replica(2, 3, topic, Duration.ofMinutes(1))) {
            for (Replica r : List.of(a, b, c)) {
                assertThat(r.sync.start(null, 0, Map.of(), () -> true)).isEqualTo(1);
                assertThat(r.hash()).isEqualTo(afterRound1);
            }
            a.train();
            b.train();
            c.train();
            CompletableFuture<Synchronizer.Outcome> fa = a.endRound();
            CompletableFuture<Synchronizer.Outcome> fb = b.endRound();
            CompletableFuture<Synchronizer.Outcome> fc = c.endRound();
            assertThat(fa.get().members()).containsExactly(0, 1, 2);
            assertThat(fa.get().reason()).isEqualTo("complete");
            fb.get();
            fc.get();
            assertThat(a.hash()).isEqualTo(b.hash()).isEqualTo(c.hash()).isNotEqualTo(afterRound1);
        }
    }

    @Test
    void weightsOfAnotherSeedAreAnotherTimeline() throws Exception {
        String topic = topic();
        try (Replica a = new Replica(0, topic, Duration.ofSeconds(2));
             Learner other = new Learner(LearnerTest.settings(Byol.NAME, 5), Device.cpu())) {
            Weights w = new Weights(other.method());
            try (Synchronizer stranger = Synchronizer.open(new Synchronizer.Settings(2, 1, H, Duration.ofSeconds(2), 0.7, 0.9, topic,
                    1024), "run", w, kafka.bootstrapServers())) {
                a.sync.start(null, 0, Map.of(), () -> true);
                stranger.start(null, 0, Map.of(), () -> true);
                a.train();
                CompletableFuture<Synchronizer.Outcome> fs = CompletableFuture.supplyAsync(
                        () -> stranger.sync(H, 8, Map.of(), () -> true));
                Synchronizer.Outcome oa = a.endRound().get();
                assertThat(oa.members()).as("the replica on other weights does not count").containsExactly(0);
                assertThat(fs.get().members()).containsExactly(1);
                assertThat(Weights.hash(w.read())).isNotEqualTo(a.hash());
            }
        }
    }

    @Test
    void theReplicaIdMustBeOneOfTheReplicas() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Synchronizer.Settings(2, 2, H, Duration.ofSeconds(1), 0.7, 0.9,
                "t", 1024)).hasMessageContaining("replica id 2 is not one of 0..1");
        assertThat(List.of(TrainingLoop.replicaIdFromHost("trainer-3"), TrainingLoop.replicaIdFromHost("laptop"),
                TrainingLoop.replicaIdFromHost("sslstream-trainer-0"))).containsExactly(3, 0, 0);
    }
}
