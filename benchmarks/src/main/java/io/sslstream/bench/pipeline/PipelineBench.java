package io.sslstream.bench.pipeline;

import io.sslstream.bench.Report;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.LocalProcesses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.sslstream.bench.Report.n0;
import static io.sslstream.bench.Report.n1;
import static io.sslstream.bench.Report.pct;

/**
 * The pipeline benchmark: for each configuration, the trainer fed from memory first (its standalone rate, pinned as
 * the service will be), then the whole data path fed at a little more than that rate, then the report.
 */
public final class PipelineBench {

    /** Bytes of one 28x28 grayscale view as raw pixels. */
    static final int RAW_VIEW_BYTES = FashionMnist.SIZE * FashionMnist.SIZE;
    static final double GOAL_WAIT_SHARE = 0.05;
    static final double GOAL_RATIO = 0.95;

    private final Path home;
    private final Path dataDir;
    private final int batch;
    private final double feedFactor;
    private final int standaloneSteps;
    private final Duration warmup;
    private final Duration measure;
    private final Duration every;

    public PipelineBench(Path home, Path dataDir, int batch, double feedFactor, int standaloneSteps, Duration warmup,
                         Duration measure, Duration every) {
        this.home = home;
        this.dataDir = dataDir;
        this.batch = batch;
        this.feedFactor = feedFactor;
        this.standaloneSteps = standaloneSteps;
        this.warmup = warmup;
        this.measure = measure;
        this.every = every;
    }

    static PipelineRun.Setup base(String name) {
        return switch (name) {
            case "shared" -> new PipelineRun.Setup("shared", null, 0, null, null, Map.of(), Map.of(), 2);
            case "split" -> new PipelineRun.Setup("split", "0", 1, null, "1", Map.of(), Map.of(), 2);
            // the trainer process starts on core 1 with the augmenter and the broker; its step thread is then moved to core 0
            case "step-core" -> new PipelineRun.Setup("step-core", "1", 1, "0", "1", Map.of(), Map.of(), 2);
            default -> throw new IllegalArgumentException("unknown configuration '" + name + "' (shared, split, step-core)");
        };
    }

    static PipelineRun.Setup lever(PipelineRun.Setup base, String lever) {
        return switch (lever) {
            case "no-prefetch" -> base.with("+no-prefetch", Map.of("ssl.trainer.prefetch", "false"), Map.of());
            case "zstd" -> base.with("+zstd", Map.of(), Map.of("ssl.augmenter.stream.compression", "zstd"));
            case "lz4" -> base.with("+lz4", Map.of(), Map.of("ssl.augmenter.stream.compression", "lz4"));
            case "no-compression" -> base.with("+no-compression", Map.of(), Map.of("ssl.augmenter.stream.compression", "none"));
            case "poll-256" -> base.with("+poll-256", Map.of("mp.messaging.incoming.views.max.poll.records", "256"), Map.of());
            // Kafka's own fetch settings (any byte, up to 500 ms) instead of the trainer's (64 KB or 100 ms)
            case "fetch-defaults" -> base.with("+fetch-defaults", Map.of("mp.messaging.incoming.views.fetch.min.bytes", "1",
                    "mp.messaging.incoming.views.fetch.max.wait.ms", "500"), Map.of());
            case "partitions-1" -> base.withPartitions("+partitions-1", 1);
            default -> throw new IllegalArgumentException("unknown lever '" + lever
                    + "' (no-prefetch, zstd, lz4, no-compression, poll-256, fetch-defaults, partitions-1)");
        };
    }

    /**
     * Measures each configuration, then each lever applied to {@code leverBase}.
     */
    public Report run(List<String> configs, String leverBase, List<String> levers) throws IOException, InterruptedException {
        if (!Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException(FashionMnist.HOW_TO_GET);
        }
        IdxFile images = IdxFile.read(FashionMnist.file(dataDir, "train-images-idx3-ubyte"), Integer.MAX_VALUE);
        Path work = home.resolve("var/bench/pipeline/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<PipelineRun.Setup> setups = new ArrayList<>();
        for (String c : configs) {
            setups.add(base(c));
        }
        for (String l : levers) {
            setups.add(lever(base(leverBase), l));
        }
        Map<String, Double> standalone = new LinkedHashMap<>(); // by pinning, ms per step
        List<Measurement> results = new ArrayList<>();
        for (PipelineRun.Setup s : setups) {
            String pinning = s.pinning();
            if (!standalone.containsKey(pinning)) {
                System.out.printf("%s: the trainer fed from memory (%d steps)...%n", s.name(), standaloneSteps);
                standalone.put(pinning, standaloneMs(s));
                System.out.printf("%s: standalone %.0f ms/step = %.0f img/s%n", s.name(), standalone.get(pinning),
                        batch * 1e3 / standalone.get(pinning));
            }
            double rate = batch * 1e3 / standalone.get(pinning);
            double feed = feedFactor * rate;
            System.out.printf("%s: pipeline for %d + %d s, ingesting %.0f images/s...%n", s.name(), warmup.toSeconds(),
                    measure.toSeconds(), feed);
            Measurement m = new PipelineRun(home, work.resolve(s.name()), s, batch, System.out).run(images, feed, warmup, measure, every);
            results.add(m);
        }
        return report(results, standalone, configs, leverBase, levers);
    }

    /** The standalone trainer's mean ms per step (its throughput), in a JVM pinned like the trainer service. */
    private double standaloneMs(PipelineRun.Setup s) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Affinity.launcher(s.trainerCpus()));
        cmd.addAll(List.of(LocalProcesses.java(), "-Xmx1g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), Standalone.class.getName(),
                dataDir.toString(), Integer.toString(batch), Integer.toString(standaloneSteps), Integer.toString(s.trainerThreads())));
        if (s.computeCpus() != null) {
            cmd.add(s.computeCpus());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(LocalProcesses.LIBTORCH_ENV);
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        if (p.waitFor() != 0 || lines.isEmpty() || !lines.get(lines.size() - 1).matches("[0-9.]+ [0-9.]+ [0-9.]+ \\d+")) {
            throw new IOException("standalone trainer failed (exit " + p.exitValue() + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        return Double.parseDouble(lines.get(lines.size() - 1).split(" ")[0]);
    }

    private Report report(List<Measurement> results, Map<String, Double> standalone, List<String> configs, String leverBase,
                          List<String> levers) {
        Report r = new Report("Pipeline: augmenter -> Kafka -> trainer",
                "./bench pipeline --configs " + String.join(",", configs) + " --lever-base " + leverBase + " --levers "
                        + (levers.isEmpty() ? "none" : String.join(",", levers)) + " --measure " + measure.toSeconds() + "s --warmup "
                        + warmup.toSeconds() + "s");
        r.paragraph(String.format(Locale.ROOT, """
                The local stack's data path on Fashion-MNIST: images ingested at a fixed rate (%.2fx the trainer's standalone
                rate, so data is always on offer but the augmenter works at the stream's pace rather than racing ahead), the
                augmenter's `simclr` recipe, `ssl.views.simclr` (2 partitions), the trainer (SimCLR, small CNN, batch %d).
                Numbers are from the services' own `/q/metrics` over %d s of steady state after a %d s warm-up, CPU from
                `/proc/<pid>/stat`, offsets from the broker. *Data wait* is the time from the end of a step to the next batch
                being ready as a tensor, as a share of the whole step cycle (wait + compute), per %d s interval (median, p95)
                and overall. *Standalone* is the same learner fed from memory in a JVM pinned like the service, %d timed
                steps, its rate the batch over the mean step time (the pipeline's too is images over elapsed time).
                `shared`: every process may use both cores, the trainer uses 2 threads. `split`: the whole trainer process
                pinned to core 0 with 1 libtorch thread, the augmenter and the broker pinned to core 1. `step-core`: only
                the trainer's step thread (1 libtorch thread) on core 0; the trainer's other threads (Kafka consumer,
                decoding, prefetch, HTTP, metrics, GC, JIT) share core 1 with the augmenter and the broker, as a GPU
                trainer's input threads would share the host's CPUs while the accelerator steps. `+lever` rows change one
                thing of `%s`. *Trainer cores off the step thread* is the trainer's CPU outside its step thread.""",
                feedFactor, batch, measure.toSeconds(), warmup.toSeconds(), every.toSeconds(), standaloneSteps, leverBase));
        List<List<String>> rows = new ArrayList<>();
        for (Measurement m : results) {
            PipelineRun.Setup s = m.setup();
            double standaloneRate = batch * 1e3 / standalone.get(s.pinning());
            double ratio = m.trainerImagesPerSecond() / standaloneRate;
            long maxLag = m.points().stream().filter(p -> p.seconds() >= m.warmupSeconds()).mapToLong(m::viewLag).max().orElse(-1);
            rows.add(List.of(s.name(), n0(standaloneRate), n0(m.trainerImagesPerSecond()), pct(ratio),
                    pct(m.waitShareMedian()), pct(m.waitShareP95()), pct(m.waitShareOverall()),
                    n1(m.waitMsPerStep()) + " / " + n0(m.stepMsPerStep()),
                    n0(Measurement.VIEWS_PER_SET * m.viewSetsPerSecond()), String.format(Locale.ROOT, "%.2f", m.augmenterCores()),
                    n0(m.viewsPerCpuSecond()), String.format(Locale.ROOT, "%.2f", m.trainerCores()),
                    String.format(Locale.ROOT, "%.2f", m.trainerOffStepCores()),
                    n0(m.bytesPerViewStored()) + " (" + String.format(Locale.ROOT, "%.2fx", m.bytesPerViewStored() / RAW_VIEW_BYTES) + ")",
                    Long.toString(maxLag)));
        }
        r.table(List.of("config", "standalone img/s", "pipeline img/s", "pipeline / standalone", "data wait p50", "data wait p95",
                "data wait overall", "wait / step ms", "augmenter views/s", "augmenter cores", "views per augmenter CPU-s",
                "trainer cores", "trainer cores off the step thread", "bytes per view stored (vs 784 raw)", "max view lag"), rows);
        r.paragraph("""
                Bytes per view: the view topic's log segments over the views they hold (2 per `ViewSet`), headers, keys and
                batch overhead included. The broker keeps record batches as the producer compressed them (topic compression
                `producer`), so these are also the bytes on the wire from the augmenter, and again to the trainer.""");
        r.paragraph("Consumer lag over time (view sets produced but not yet trained on / raw samples not yet augmented):");
        List<List<String>> lagRows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("t (s)"));
        results.forEach(m -> header.add(m.setup().name()));
        int n = results.stream().mapToInt(m -> m.points().size()).max().orElse(0);
        int stride = Math.max(1, (int) Math.round(15.0 / every.toSeconds()));
        for (int i = stride - 1; i < n; i += stride) {
            List<String> row = new ArrayList<>();
            row.add(results.get(0).points().size() > i ? n0(results.get(0).points().get(i).seconds()) : "");
            for (Measurement m : results) {
                row.add(m.points().size() > i ? m.viewLag(m.points().get(i)) + " / " + m.rawLag(m.points().get(i)) : "");
            }
            lagRows.add(row);
        }
        r.table(header, lagRows);
        r.paragraph(verdict(results, standalone));
        return r;
    }

    private String verdict(List<Measurement> results, Map<String, Double> standalone) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Goal: data wait under %s of the step and pipeline throughput at least %s of standalone.", pct(GOAL_WAIT_SHARE), pct(GOAL_RATIO)));
        for (Measurement m : results) {
            PipelineRun.Setup s = m.setup();
            double ratio = m.trainerImagesPerSecond() / (batch * 1e3 / standalone.get(s.pinning()));
            boolean met = m.waitShareMedian() < GOAL_WAIT_SHARE && ratio >= GOAL_RATIO;
            sb.append(String.format(Locale.ROOT, " `%s`: %s (wait %s, ratio %s).", s.name(), met ? "met" : "not met",
                    pct(m.waitShareMedian()), pct(ratio)));
        }
        return sb.toString();
    }
}
