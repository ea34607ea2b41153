package io.sslstream.trainer;

import ai.djl.Device;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.trainer.method.SimClr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The prefetching feed on real Fashion-MNIST views: it gives the loop the same batches in the same order as the
 * direct feed, so a learner trained through it takes exactly the same steps, although it prepares batch k + 1 in the
 * learner's other input buffer while step k runs; a bad batch fails the loop as it would without prefetching; and a
 * stop ends it.
 */
class BatchFeedTest {

    static final int BATCH = 8;

    @BeforeAll
    static void read() throws IOException {
        LearnerTest.read();
    }

    private static List<ViewQueue.Item> items(int batches, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ViewQueue.Item> items = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            for (ViewSet vs : LearnerTest.batch(SimClr.NAME, BATCH, rnd)) {
                items.add(new ViewQueue.Item(vs, "ssl.views.simclr", 0, items.size()));
            }
        }
        return items;
    }

    private static List<Float> train(boolean prefetch, List<ViewQueue.Item> items, int steps) throws InterruptedException {
        ViewQueue queue = new ViewQueue();
        AtomicBoolean running = new AtomicBoolean(true);
        for (ViewQueue.Item it : items) {
            assertThat(queue.put(it, running::get)).isTrue();
        }
        List<Float> losses = new ArrayList<>();
        try (Learner learner = new Learner(LearnerTest.settings(SimClr.NAME, 3), Device.cpu());
             BatchFeed feed = prefetch ? BatchFeed.prefetching(queue, learner, BATCH, running::get)
                     : BatchFeed.direct(queue, learner, BATCH, running::get)) {
            long expectedOffset = 0;
            for (int s = 0; s < steps; s++) {
                BatchFeed.Ready next = feed.next();
                assertThat(next.items()).hasSize(BATCH);
                for (ViewQueue.Item it : next.items()) {
                    assertThat(it.offset()).isEqualTo(expectedOffset++); // in order, none skipped
                }
                losses.add(learner.step(next.input()));
            }
            running.set(false);
            assertThat(feed.next()).as("after a stop").isNull();
        }
        return losses;
    }

    @Test
    void prefetchingTrainsExactlyLikeTheDirectFeed() throws InterruptedException {
        List<ViewQueue.Item> items = items(6, 5);
        List<Float> direct = train(false, items, 5);
        List<Float> prefetched = train(true, items, 5);
        assertThat(prefetched).isEqualTo(direct);
        assertThat(direct).allMatch(Float::isFinite).doesNotHaveDuplicates();
    }

    @Test
    void aBatchTheLearnerCannotUseFailsTheLoopThroughThePrefetcher() throws InterruptedException {
        ViewQueue queue = new ViewQueue();
        AtomicBoolean running = new AtomicBoolean(true);
        List<ViewQueue.Item> good = items(1, 7);
        for (ViewQueue.Item it : good) {
            ViewSet oneView = new ViewSet(it.views().sampleId(), it.views().recipe(), it.views().recipeVersion(), it.views().seed(),
                    List.of(it.views().views().get(0)), null);
            queue.put(new ViewQueue.Item(oneView, it.topic(), it.partition(), it.offset()), running::get);
        }
        try (Learner learner = new Learner(LearnerTest.settings(SimClr.NAME, 3), Device.cpu());
             BatchFeed feed = BatchFeed.prefetching(queue, learner, BATCH, running::get)) {
            assertThatThrownBy(feed::next).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 2 views");
        }
    }
}
