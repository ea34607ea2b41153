package io.sslstream.bench.trainer;

import ai.djl.Device;
import io.sslstream.bench.Stats;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.Threads;
import io.sslstream.trainer.method.SimClr;
import io.sslstream.trainer.optim.OptimizerSettings;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Our side of the step-time comparison: the trainer's own {@link Learner} with SimCLR as the peers run it (projection
 * 128-64, NT-Xent 0.5, Adam(W) lr 1e-3 without decay), on the augmenter's views, timed per step on the calling thread.
 * The timed step is what the training loop calls: the uint8 views into the input tensor, forward, loss, backward,
 * optimizer update, the loss read back.
 */
public final class StepTiming {

    /** What a timed run measured. */
    public record Result(double[] stepMs, double medianMs, double p90Ms, double medianCpuMs, int intraOpThreads, int interOpThreads,
                         float firstLoss, float lastLoss) {
    }

    /** CPU time of this process (all threads), in ms: less disturbed by other work on a shared machine than wall time. */
    static double processCpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e6;
    }

    private StepTiming() {
    }

    public static Learner.Settings simclr(Architecture arch, int batch) {
        InputSpec input = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));
        return new Learner.Settings(SimClr.DEFINITION.defaults(arch, input), OptimizerSettings.adamw(1e-3, 0), batch, 0);
    }

    /**
     * Runs {@code warmup} untimed and {@code steps} timed steps, cycling through the batches.
     *
     * @param afterStep called with the 1-based step number after each timed step (sampling, progress)
     */
    public static Result run(Learner learner, List<List<ViewSet>> batches, int warmup, int steps, int threads, IntConsumer afterStep) {
        int intra = Threads.configure(threads);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int i = 0; i < warmup; i++) {
            first = learner.step(batches.get(i % batches.size()));
        }
        double[] ms = new double[steps];
        double[] cpu = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            double c0 = processCpuMs();
            last = learner.step(batches.get((warmup + i) % batches.size()));
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = processCpuMs() - c0;
            if (Float.isNaN(first)) {
                first = last;
            }
            afterStep.accept(i + 1);
        }
        return new Result(ms, Stats.median(ms), Stats.percentile(ms, 90), Stats.median(cpu), intra, Threads.interOp(), first, last);
    }

    public static Result run(Architecture arch, int batch, List<List<ViewSet>> batches, int warmup, int steps, int threads) {
        try (Learner learner = new Learner(simclr(arch, batch), Device.cpu())) {
            return run(learner, batches, warmup, steps, threads, i -> { });
        }
    }
}
