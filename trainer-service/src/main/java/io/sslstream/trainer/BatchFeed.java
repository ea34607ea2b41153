package io.sslstream.trainer;

import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Where the training loop gets its next batch, ready as the step's input: the view sets taken from the
 * {@link ViewQueue} and {@link Learner#prepare prepared} (pixels normalised into an input buffer). The time a call
 * to {@link #next()} takes is the step's data wait.
 *
 * <p>{@link #direct} does both on the training thread, after the step. {@link #prefetching} does them on a thread of
 * its own while the step runs, one batch ahead (the learner's two input buffers allow no more): the training thread
 * then only waits when the stream itself is behind.
 */
public interface BatchFeed extends AutoCloseable {

    /** One prepared batch and the queue items it came from (their offsets are the run's progress). */
    record Ready(List<ViewQueue.Item> items, Learner.Prepared input) {
    }

    /** The next batch, or null once {@code running} turned false. */
    Ready next() throws InterruptedException;

    @Override
    void close();

    static BatchFeed direct(ViewQueue queue, Learner learner, int batchSize, BooleanSupplier running) {
        return new BatchFeed() {
            @Override
            public Ready next() throws InterruptedException {
                List<ViewQueue.Item> items = queue.take(batchSize, running);
                return items == null ? null : new Ready(items, learner.prepare(items.stream().map(ViewQueue.Item::views).toList()));
            }

            @Override
            public void close() {
            }
        };
    }

    static BatchFeed prefetching(ViewQueue queue, Learner learner, int batchSize, BooleanSupplier running) {
        return new Prefetching(direct(queue, learner, batchSize, running), running);
    }

    /** A thread that prepares batch {@code k + 1} while step {@code k} runs, handing it over when the loop asks. */
    final class Prefetching implements BatchFeed {

        /** Hand-over without a buffer: the prefetcher cannot start batch k + 2 before the loop has taken k + 1. */
        private final SynchronousQueue<Object> handOff = new SynchronousQueue<>();
        private final BooleanSupplier running;
        private final Thread thread;
        private volatile boolean closed;

        private static final Object END = new Object();

        Prefetching(BatchFeed source, BooleanSupplier running) {
            this.running = running;
            this.thread = new Thread(() -> {
                try {
                    while (!closed) {
                        Object r;
                        try {
                            Ready ready = source.next();
                            r = ready != null ? ready : END;
                        } catch (RuntimeException | Error e) {
                            r = e; // the loop rethrows it: the same failure as without prefetching
                        }
                        while (!handOff.offer(r, 200, TimeUnit.MILLISECONDS)) {
                            if (closed) {
                                return;
                            }
                        }
                        if (!(r instanceof Ready)) {
                            return; // the end, or a failure
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "trainer-prefetch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public Ready next() throws InterruptedException {
            while (true) {
                if (!running.getAsBoolean()) {
                    return null; // a batch prepared meanwhile is not trained on: its offsets are not the run's progress
                }
                Object r = handOff.poll(200, TimeUnit.MILLISECONDS);
                if (r instanceof Ready ready) {
                    return ready;
                }
                if (r instanceof RuntimeException e) {
                    throw e;
                }
                if (r instanceof Error e) {
                    throw e;
                }
                if (r == END || (r == null && (!running.getAsBoolean() || !thread.isAlive()))) {
                    return null;
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
