package io.sslstream.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.bench.trainer.Rss;
import io.sslstream.bench.trainer.StepTiming;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.Learner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./bench trainer}: milliseconds per SimCLR training step at batch 256 (two views each), ours (the trainer's
 * {@code Learner} on DJL) next to the PyTorch peer on the same model and batch in the same run: the small CNN against
 * {@code benchmarks/peer/simclr_fmnist.py}, the ResNet-18 against {@code benchmarks/peer/resnet_step.py}.
 * {@code ./bench trainer --rss} instead trains 1,000 steps and samples the process's resident memory every 50 steps.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Training step time, ours vs the PyTorch peer (or, with --rss, resident memory over a long run).")
public class TrainerBenchmark implements Callable<Integer> {

    /** Defaults the report's command line leaves out. */
    static final String DEFAULT_WARMUP = "3";
    static final String DEFAULT_PEER_BUDGET = "60s";

    @Option(names = "--models", split = ",", description = "encoders to time (default: ${DEFAULT-VALUE})", defaultValue = "small-cnn,resnet18")
    List<String> models;

    @Option(names = "--batch", description = "images per step, two views each (default: ${DEFAULT-VALUE})", defaultValue = "256")
    int batch;

    @Option(names = "--steps", description = "timed steps of the small CNN (default: ${DEFAULT-VALUE})", defaultValue = "30")
    int steps;

    @Option(names = "--resnet-steps", description = "timed steps of the ResNet-18, ours and the peer's (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int resnetSteps;

    @Option(names = "--warmup", description = "untimed steps first (default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_WARMUP)
    int warmup;

    @Option(names = "--threads", description = "intra-op threads, ours and the peer's; 0 = all cores (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int threads;

    @Option(names = "--peer-budget", description = "wall-clock budget of the small-CNN peer's loop (default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_PEER_BUDGET)
    Duration peerBudget;

    @Option(names = "--no-peer", description = "time ours only")
    boolean noPeer;

    @Option(names = "--data", description = "Fashion-MNIST folder (default: the Debian package's, else the shipped subset)")
    Path data;

    @Option(names = "--rss", description = "memory mode: train --rss-steps steps of --rss-model, sample VmRSS every --rss-every steps")
    boolean rss;

    @Option(names = "--rss-steps", defaultValue = "1000", description = "steps of the memory run (default: ${DEFAULT-VALUE})")
    int rssSteps;

    @Option(names = "--rss-every", defaultValue = "50", description = "steps between RSS samples (default: ${DEFAULT-VALUE})")
    int rssEvery;

    @Option(names = "--rss-model", defaultValue = "small-cnn", description = "encoder of the memory run (default: ${DEFAULT-VALUE})")
    String rssModel;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Override
    public Integer call() throws Exception {
        Path repo = Repo.root();
        Path dataDir = data != null ? data : Views.defaultData(repo);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        FashionMnist.Split train = FashionMnist.read(dataDir, "train", 60_000);
        return rss ? memory(train, n) : speed(repo, dataDir, train, n);
    }

    private int speed(Path repo, Path dataDir, FashionMnist.Split train, int n) throws Exception {
        List<List<ViewSet>> batches = Views.batches(Views.recipe("simclr"), train, 4, batch);
        List<List<String>> rows = new ArrayList<>();
        for (String model : models) {
            Architecture arch = Encoders.named(model);
            int timed = model.equals(Encoders.RESNET18) ? resnetSteps : steps;
            System.out.printf("%s, batch %d: timing ours (%d + %d steps)...%n", model, batch, warmup, timed);
            StepTiming.Result ours = StepTiming.run(arch, batch, batches, warmup, timed, n);
            System.out.printf("  ours: median %.1f ms/step (p90 %.1f), %d intra-op threads%n", ours.medianMs(), ours.p90Ms(), ours.intraOpThreads());
            double peerMs = Double.NaN;
            String peerNote = "not run";
            if (!noPeer) {
                JsonNode timing = model.equals(Encoders.SMALL_CNN) ? smallCnnPeer(repo, dataDir, n) : resnetPeer(repo, model, n, timed);
                peerMs = timing.path("median_step_ms_excl_data").asDouble(Double.NaN);
                peerNote = timing.path("num_threads").asInt() + " threads, " + timing.path("steps").asInt(timing.path("timed_steps").asInt())
                        + " timed steps";
                System.out.printf("  peer: median %.1f ms/step (%s)%n", peerMs, peerNote);
            }
            rows.add(List.of(model, Integer.toString(batch), Report.n1(ours.medianMs()), Report.n1(ours.p90Ms()),
                    Integer.toString(ours.intraOpThreads()), Report.n1(peerMs), peerNote,
                    Double.isNaN(peerMs) ? "-" : Report.ratio(ours.medianMs() / peerMs)));
        }
        String command = "./bench trainer --models " + String.join(",", models) + " --batch " + batch + " --steps " + steps
                + " --resnet-steps " + resnetSteps
                + (warmup != Integer.parseInt(DEFAULT_WARMUP) ? " --warmup " + warmup : "")
                + (threads > 0 ? " --threads " + threads : "")
                + (noPeer ? " --no-peer" : "")
                + (!noPeer && !peerBudget.equals(Main.duration(DEFAULT_PEER_BUDGET)) ? " --peer-budget " + peerBudget.toSeconds() + "s" : "");
        Report r = new Report("Trainer: step time vs PyTorch", command)
                .paragraph("One SimCLR training step of " + batch + " images (" + 2 * batch + " views of 28x28) on the CPU: ours is the "
                        + "trainer's `Learner` on DJL " + ai.djl.engine.Engine.getDjlVersion() + " / libtorch " + io.sslstream.model.Engines.pytorch().getVersion()
                        + " (views from the augmenter's `simclr` recipe; the step includes turning the uint8 views into the input "
                        + "tensor), the peer is Debian's PyTorch on the same model, loss and optimizer (Adam lr 1e-3, NT-Xent 0.5, "
                        + "projection 128-64), run one after the other in the same process tree with the same glibc malloc tunables "
                        + "and the same thread count. Small CNN peer: `benchmarks/peer/simclr_fmnist.py --skip-eval` "
                        + "(`median_step_ms_excl_data`); ResNet-18 peer: `benchmarks/peer/resnet_step.py` (small-image stem, synthetic "
                        + "views). Goal: ours at most 0.8x the peer's time. Allocator (`libtorch.env`, docs/operations.md): "
                        + "`MALLOC_MMAP_MAX_=" + System.getenv().getOrDefault("MALLOC_MMAP_MAX_", "unset") + " MALLOC_TRIM_THRESHOLD_="
                        + System.getenv().getOrDefault("MALLOC_TRIM_THRESHOLD_", "unset") + " MALLOC_TOP_PAD_="
                        + System.getenv().getOrDefault("MALLOC_TOP_PAD_", "unset") + " MALLOC_ARENA_MAX="
                        + System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset") + "` (set by `./bench`; without them about half of "
                        + "the CPU time goes to page faults); libgomp wait policy "
                        + System.getenv().getOrDefault("OMP_WAIT_POLICY", "default (active)") + ". The intra-op column is what "
                        + "libtorch reports on the timed thread after `Threads.configure` (all cores unless `--threads`). The load "
                        + "average above shows the other work on the machine during the run.")
                .table(List.of("model", "batch", "ours ms/step (median)", "ours p90", "DJL intra-op threads", "peer ms/step (median)",
                        "peer", "ours / peer"), rows);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "trainer");
        System.out.print(r.markdown());
        return 0;
    }

    private JsonNode smallCnnPeer(Path repo, Path dataDir, int n) throws Exception {
        Path script = Peer.script(repo, "simclr_fmnist.py");
        List<JsonNode> out = Peer.run(script, List.of("--data", dataDir.toString(), "--budget-s", Long.toString(peerBudget.toSeconds()),
                "--skip-eval", "--aug-bench-n", "0", "--batch", Integer.toString(batch), "--threads", Integer.toString(n),
                "--warmup-steps", Integer.toString(warmup)), peerBudget.plusMinutes(10));
        return last(out, "train_timing");
    }

    private JsonNode resnetPeer(Path repo, String model, int n, int timed) throws Exception {
        Path script = Peer.script(repo, "resnet_step.py");
        List<JsonNode> out = Peer.run(script, List.of("--model", model, "--batch", Integer.toString(batch), "--steps", Integer.toString(timed),
                "--warmup", Integer.toString(Math.min(warmup, 2)), "--threads", Integer.toString(n)), Duration.ofHours(3));
        return last(out, "train_timing");
    }

    private static JsonNode last(List<JsonNode> lines, String kind) {
        JsonNode found = null;
        for (JsonNode j : lines) {
            if (kind.equals(j.path("kind").asText())) {
                found = j;
            }
        }
        if (found == null) {
            throw new IllegalStateException("the peer printed no '" + kind + "' line");
        }
        return found;
    }

    private static boolean preTouched() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
    }

    private int memory(FashionMnist.Split train, int n) throws Exception {
        Architecture arch = Encoders.named(rssModel);
        List<List<ViewSet>> batches = Views.batches(Views.recipe("simclr"), train, 8, batch);
        int samples = rssSteps / rssEvery;
        double[] step = new double[samples];
        double[] mib = new double[samples];
        long[] arrays = new long[samples];
        StepTiming.Result timing;
        try (Learner learner = new Learner(StepTiming.simclr(arch, batch), Device.cpu())) {
            int[] k = {0};
            timing = StepTiming.run(learner, batches, 0, rssSteps, n, s -> {
                if (s % rssEvery == 0 && k[0] < samples) {
                    step[k[0]] = s;
                    mib[k[0]] = Rss.mib();
                    arrays[k[0]] = learner.liveArrays();
                    System.out.printf("step %5d  RSS %7.1f MiB  live arrays %d%n", s, mib[k[0]], arrays[k[0]]);
                    k[0]++;
                }
            });
        }
        // warm-up: the first quarter of the samples (allocator pools and JIT settle); the verdict is on the rest
        int from = Math.max(1, samples / 4);
        double[] xs = java.util.Arrays.copyOfRange(step, from, samples);
        double[] ys = java.util.Arrays.copyOfRange(mib, from, samples);
        double slopePer1000 = Rss.slope(xs, ys) * 1000;
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            rows.add(List.of(Integer.toString((int) step[i]), Report.n1(mib[i]), Long.toString(arrays[i])));
        }
        String command = "./bench trainer --rss --rss-steps " + rssSteps + " --rss-every " + rssEvery + " --rss-model " + rssModel
                + " --batch " + batch;
        Report r = new Report("Trainer: native memory over a long run", command)
                .paragraph(String.format(java.util.Locale.ROOT, "%d SimCLR steps of the %s at batch %d (%.0f ms/step median), resident set "
                                + "(`VmRSS`) sampled every %d steps. After the warm-up (step %d) RSS goes from %.1f MiB to %.1f MiB at step %d: "
                                + "slope %.2f MiB per 1,000 steps (least squares over the samples after the warm-up); arrays alive in the "
                                + "learner's managers: %d at the first sample, %d at the last.",
                        rssSteps, rssModel, batch, timing.medianMs(), rssEvery, (int) step[from], mib[from], mib[samples - 1],
                        (int) step[samples - 1], slopePer1000, arrays[0], arrays[samples - 1]))
                .paragraph(preTouched()
                        ? "The JVM ran with `-Xms512m -Xmx512m -XX:+AlwaysPreTouch` (`./bench` adds them for `--rss`): the Java heap "
                        + "is committed and touched before the first step, so growth of the resident set after the warm-up is native "
                        + "memory (libtorch, glibc), which is what this run is about. Without them RSS also grows while the garbage "
                        + "collector touches heap pages for the first time (an earlier run: 420 to 526 MiB over 2,000 steps with a "
                        + "256 MiB heap, which read as a leak)."
                        : "The Java heap was not pre-touched (run through `./bench` to get `-XX:+AlwaysPreTouch`): RSS growth here "
                        + "includes heap pages the garbage collector touches for the first time, not only native memory.")
                .table(List.of("step", "RSS MiB", "live arrays"), rows);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "trainer-memory");
        System.out.print(r.markdown());
        return 0;
    }
}
