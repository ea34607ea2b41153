package io.sslstream.bench.pipeline;

import io.sslstream.bench.Stats;
import io.sslstream.bench.trainer.StepTiming;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.TrainingLoop;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The trainer fed from memory, for the pipeline benchmark's ratio: the trainer's own learner (SimCLR, small CNN) on
 * view sets the augmenter's {@code simclr} recipe made in this process from Fashion-MNIST, timed per step as the
 * training loop runs it (views into tensors, forward, backward, update), on a thread named like the service's step
 * thread. Run in a JVM of its own so it can be pinned the way the trainer service is ({@code taskset}, and the step
 * thread alone to {@code COMPUTE_CPUS} when given); prints one line: {@code mean_ms median_ms p95_ms threads}.
 *
 * <p>Arguments: {@code DATA_DIR BATCH STEPS THREADS [COMPUTE_CPUS]}.
 */
public final class Standalone {

    private Standalone() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        String computeCpus = args.length > 4 ? args[4] : null;
        FashionMnist.Split train = FashionMnist.read(data, "train", 8 * batch);
        List<List<ViewSet>> batches = Views.batches(Views.recipe("simclr"), train, 8, batch);
        ExecutorService stepThread = Executors.newSingleThreadExecutor(task -> new Thread(task, TrainingLoop.THREAD_NAME));
        StepTiming.Result r;
        try {
            r = stepThread.submit(() -> {
                if (computeCpus != null) {
                    Affinity.pinCurrentThread(computeCpus);
                }
                return StepTiming.run(Encoders.named("small-cnn"), batch, batches, 3, steps, threads);
            }).get();
        } finally {
            stepThread.shutdown();
        }
        // the mean is the throughput (images over time), which is what the pipeline's rate is compared with
        double mean = Arrays.stream(r.stepMs()).average().orElseThrow();
        System.out.printf(Locale.ROOT, "%.3f %.3f %.3f %d%n", mean, r.medianMs(), Stats.percentile(r.stepMs(), 95), r.intraOpThreads());
    }
}
