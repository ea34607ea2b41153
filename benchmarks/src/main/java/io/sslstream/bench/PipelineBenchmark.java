package io.sslstream.bench;

import io.sslstream.bench.pipeline.PipelineBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./bench pipeline}: the local stack's data path (paced ingestion, augmenter with the {@code simclr} recipe,
 * {@code ssl.views.simclr}, trainer with SimCLR on the small CNN at batch 256) for a fixed time per configuration,
 * measured from the services' own metrics: the trainer's data wait as a share of its step, its images per second
 * against the same trainer fed from memory (pinned the same way), the augmenter's views per second and CPU, bytes
 * per view on the broker, and consumer lag over time. See {@link io.sslstream.bench.pipeline.PipelineBench}.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Augmenter -> Kafka -> trainer throughput: data wait, pipeline vs standalone trainer, augmenter CPU, bytes per view, lag.")
public class PipelineBenchmark implements Callable<Integer> {

    @Option(names = "--configs", split = ",", defaultValue = "shared,split,step-core",
            description = "shared: every process on any core, trainer on all cores; split: trainer process on core 0 with one "
                    + "thread, augmenter and broker on core 1; step-core: only the trainer's step thread on core 0, its other "
                    + "threads with the augmenter and broker on core 1 (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--lever-base", defaultValue = "step-core",
            description = "the configuration the levers change (default: ${DEFAULT-VALUE})")
    String leverBase;

    @Option(names = "--levers", split = ",", defaultValue = "no-prefetch,zstd,fetch-defaults",
            description = "variants of --lever-base to measure, 'none' for none: no-prefetch, zstd, lz4, "
                    + "no-compression, poll-256, fetch-defaults, partitions-1 (default: ${DEFAULT-VALUE})")
    List<String> levers;

    @Option(names = "--warmup", defaultValue = "30s", description = "time after the trainer's first steps before the steady state (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--measure", defaultValue = "120s", description = "steady-state time per configuration (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Option(names = "--every", defaultValue = "5s", description = "time between metric readings (default: ${DEFAULT-VALUE})")
    Duration every;

    @Option(names = "--batch", defaultValue = "256", description = "trainer images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--feed-factor", defaultValue = "1.05",
            description = "ingestion rate as a multiple of the standalone trainer's (default: ${DEFAULT-VALUE})")
    double feedFactor;

    @Option(names = "--standalone-steps", defaultValue = "30", description = "timed steps of the standalone trainer (default: ${DEFAULT-VALUE})")
    int standaloneSteps;

    @Option(names = "--data-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Override
    public Integer call() throws Exception {
        PipelineBench bench = new PipelineBench(Repo.root(), dataDir, batch, feedFactor, standaloneSteps, warmup, measure, every);
        Report report = bench.run(configs, leverBase, levers.contains("none") ? List.of() : levers);
        Path file = doc != null ? doc : Repo.benchmarksDoc();
        report.writeTo(file, "pipeline");
        System.out.println(report.markdown());
        System.out.println("written to " + file);
        return 0;
    }
}
