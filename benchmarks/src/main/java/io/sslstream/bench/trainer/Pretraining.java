package io.sslstream.bench.trainer;

import ai.djl.Device;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.bench.Stats;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.Threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pretraining from an in-memory stream for a fixed wall-clock budget: a producer thread shuffles the training images
 * epoch by epoch and augments them with the augmenter's recipe (a new augmentation seed every epoch), batches go
 * through a small bounded queue (as from Kafka), and the calling thread steps the trainer's {@link Learner}.
 */
public final class Pretraining {

    /** What a pretraining run did. */
    public record Outcome(long steps, long samples, double seconds, double medianStepMs, double medianWaitMs, float firstLoss,
                          float lastLoss, List<float[]> lossCurve) {
    }

    private Pretraining() {
    }

    /**
     * @param budget     wall clock of the training loop (data waits included)
     * @param maxSteps   stop earlier at this step (0 = budget only)
     * @param logEvery   print a progress line every this many steps
     */
    public static Outcome run(Learner learner, Recipe recipe, FashionMnist.Split train, int batchSize, Duration budget, long maxSteps,
                              int threads, long seed, int logEvery) throws InterruptedException {
        BlockingQueue<List<ViewSet>> queue = new ArrayBlockingQueue<>(4);
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> produce(recipe, train, batchSize, seed, queue, stop), "augment");
        producer.setDaemon(true);
        producer.start();
        int intra = Threads.configure(threads);
        List<Double> stepMs = new ArrayList<>();
        List<Double> waitMs = new ArrayList<>();
        List<float[]> curve = new ArrayList<>();
        float first = Float.NaN;
        float last = Float.NaN;
        double window = 0;
        long steps = 0;
        long start = System.nanoTime();
        long end = start + budget.toNanos();
        try {
            while (System.nanoTime() < end && (maxSteps == 0 || steps < maxSteps)) {
                long t0 = System.nanoTime();
                List<ViewSet> batch = queue.poll(Math.max(1, end - t0), TimeUnit.NANOSECONDS);
                if (batch == null) {
                    break;
                }
                long t1 = System.nanoTime();
                float loss = learner.step(batch);
                long t2 = System.nanoTime();
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("loss is " + loss + " at step " + (steps + 1));
                }
                steps++;
                if (Float.isNaN(first)) {
                    first = loss;
                }
                last = loss;
                window += loss;
                stepMs.add((t2 - t1) / 1e6);
                waitMs.add((t1 - t0) / 1e6);
                if (steps % logEvery == 0) {
                    curve.add(new float[]{steps, (float) (window / logEvery)});
                    System.out.printf("  step %6d  loss %.4f  lr %.3g  %.0f ms/step  %.0f s of %d s  (%d intra-op threads)%n", steps,
                            window / logEvery, learner.learningRate(), (t2 - t1) / 1e6, (t2 - start) / 1e9, budget.toSeconds(), intra);
                    window = 0;
                }
            }
        } finally {
            stop.set(true);
            producer.interrupt();
            producer.join(5_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(steps, steps * batchSize, seconds, Stats.median(toArray(stepMs)), Stats.median(toArray(waitMs)), first, last, curve);
    }

    /** Estimated milliseconds per step: a few steps of a throwaway learner with the same settings (not part of any budget). */
    public static double calibrate(Learner.Settings settings, Recipe recipe, FashionMnist.Split train, int threads) {
        try (Learner probe = new Learner(settings, Device.cpu())) {
            Threads.configure(threads);
            List<ViewSet> batch = new ArrayList<>();
            for (int i = 0; i < settings.batchSize(); i++) {
                batch.add(Views.of(recipe, train, i % train.count(), 0));
            }
            probe.step(batch);
            double[] ms = new double[3];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                probe.step(batch);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return Stats.median(ms);
        }
    }

    private static void produce(Recipe recipe, FashionMnist.Split train, int batchSize, long seed, BlockingQueue<List<ViewSet>> queue,
                                AtomicBoolean stop) {
        int n = train.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        try {
            for (long epoch = 0; !stop.get(); epoch++) {
                for (int i = n - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int b = 0; b + batchSize <= n && !stop.get(); b += batchSize) {
                    List<ViewSet> batch = new ArrayList<>(batchSize);
                    for (int i = b; i < b + batchSize; i++) {
                        batch.add(Views.of(recipe, train, order[i], seed * 1_000_003L + epoch));
                    }
                    queue.put(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
