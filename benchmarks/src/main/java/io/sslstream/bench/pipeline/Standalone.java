package io.sslstream.bench.pipeline;

import io.sslstream.bench.trainer.StepTiming;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.encoder.Encoders;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The trainer fed from memory, for the pipeline benchmark's ratio: the trainer's own learner (SimCLR, small CNN) on
 * view sets the augmenter's {@code simclr} recipe made in this process from Fashion-MNIST, timed per step as the
 * training loop runs it (views into tensors, forward, backward, update). Run in a JVM of its own so it can be pinned
 * the way the trainer service is ({@code taskset}); prints one line: {@code median_ms p95_ms threads}.
 *
 * <p>Arguments: {@code DATA_DIR BATCH STEPS THREADS}.
 */
public final class Standalone {

    private Standalone() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int batch = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        FashionMnist.Split train = FashionMnist.read(data, "train", 8 * batch);
        List<List<ViewSet>> batches = Views.batches(Views.recipe("simclr"), train, 8, batch);
        StepTiming.Result r = StepTiming.run(Encoders.named("small-cnn"), batch, batches, 3, steps, threads);
        System.out.printf(Locale.ROOT, "%.3f %.3f %d%n", r.medianMs(), io.sslstream.bench.Stats.percentile(r.stepMs(), 95),
                r.intraOpThreads());
    }
}
