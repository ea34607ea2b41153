package io.sslstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.bench.eval.Checkpoints;
import io.sslstream.bench.eval.EvalStack;
import io.sslstream.bench.eval.NpyReader;
import io.sslstream.bench.eval.StageTimes;
import io.sslstream.bench.eval.Tuning;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.model.checkpoint.CheckpointArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./bench eval}: from the checkpoint event to all protocols stored, with the registry and the evaluator as the
 * local stack runs them (their Quarkus jars, a KRaft broker), on Fashion-MNIST's 60,000 + 10,000 images. Two versions
 * of the small CNN are created in the registry one after the other: the first evaluation also computes the two
 * baselines (once per dataset and architecture), the second is the steady state the 60 s goal is about. Time per
 * stage comes from the evaluator's own stage timers. The second version's features, exported by the evaluator, go to
 * {@code benchmarks/peer/probe_features.py} in the same run: our accuracies against PyTorch's on the same numbers.
 * Then, with the services stopped, the evaluator's knobs are measured in this process (input layout and batch size
 * of feature extraction, float32 and float64 probes, shared kNN pass).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Checkpoint event to stored evaluation (time per stage), our probe vs PyTorch's on the same features.")
public class EvalBenchmark implements Callable<Integer> {

    static final String MODEL = "bench-eval";
    static final List<String> PROTOCOLS = List.of("linear", "linear@10", "linear@100", "knn@20", "knn@200");
    static final List<String> PEER_PROTOCOLS = List.of("linear", "knn@20", "knn@200");
    /** Agreement required between our accuracies and the peer's, in points. */
    static final double AGREEMENT_POINTS = 0.5;
    static final double GOAL_SECONDS = 60;

    @Option(names = "--data-dir", description = "Fashion-MNIST IDX files (default: ${DEFAULT-VALUE})",
            defaultValue = "/usr/share/datasets/fashion-mnist")
    Path dataDir;

    @Option(names = "--max-train", description = "labelled train images (default: ${DEFAULT-VALUE})", defaultValue = "60000")
    int maxTrain;

    @Option(names = "--max-test", description = "test images (default: ${DEFAULT-VALUE})", defaultValue = "10000")
    int maxTest;

    @Option(names = "--threads", description = "libtorch intra-op threads of the evaluator, the peer and the tuning runs "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "2")
    int threads;

    @Option(names = "--checkpoint", description = "evaluate this archive (both versions) instead of randomly initialised small CNNs")
    Path checkpoint;

    @Option(names = "--passive-omp", description = "run the evaluator with OMP_WAIT_POLICY=PASSIVE (for a busy machine)")
    boolean passiveOmp;

    @Option(names = "--no-peer", description = "skip the PyTorch probe on the exported features")
    boolean noPeer;

    @Option(names = "--no-tuning", description = "skip the in-process measurements of the evaluator's knobs")
    boolean noTuning;

    @Option(names = "--tune-images", description = "images per feature-extraction tuning run (default: ${DEFAULT-VALUE})",
            defaultValue = "10000")
    int tuneImages;

    @Option(names = "--timeout", description = "longest wait for one evaluation (default: ${DEFAULT-VALUE})", defaultValue = "30m")
    Duration timeout;

    @Option(names = "--work", description = "folder of the run (default: var/bench/eval/<date-time>)")
    Path work;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    /** One evaluated version and what it took. */
    record Run(int version, EvaluationCompleted evaluation, double endToEnd, Map<String, Double> stages) {
        double stage(String name) {
            return stages.getOrDefault(name, 0.0);
        }

        /** Event received to results stored, as the evaluator measured it. */
        double receivedToStored() {
            return evaluation.seconds() + stage("store");
        }
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path repo = Repo.root();
        Path dir = work != null ? work : repo.resolve("var/bench/eval/"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        List<Path> archives = new ArrayList<>();
        for (int v = 1; v <= 2; v++) {
            archives.add(checkpoint != null ? checkpoint : Checkpoints.smallCnn(dir.resolve("v" + v + ".zip"), MODEL, v));
        }
        CheckpointManifest manifest = CheckpointArchive.readManifest(archives.get(0));

        List<Run> runs = new ArrayList<>();
        Path features;
        try (EvalStack stack = new EvalStack(new EvalStack.Options(repo, dir, dataDir, maxTrain, maxTest, threads, passiveOmp))) {
            System.out.printf("starting Kafka, the registry and the evaluator (%d threads) in %s...%n", threads, dir);
            stack.start();
            for (int v = 1; v <= 2; v++) {
                runs.add(evaluate(stack, archives.get(v - 1), manifest, v));
            }
            features = stack.featuresDir().resolve(MODEL + "-v2");
        }

        Map<String, JsonNode> peer = noPeer ? Map.of() : peer(repo, features);
        Report r = report(runs, peer, manifest);
        if (!noTuning) {
            tuning(r, archives.get(1), features);
        }
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "eval");
        System.out.print(r.markdown());
        return 0;
    }

    /** Uploads the archive, creates the version, waits until its evaluation is stored. */
    private Run evaluate(EvalStack stack, Path archive, CheckpointManifest manifest, int expectedVersion) throws Exception {
        RegistryClient registry = stack.registry();
        String sha = Sha256.of(archive);
        registry.putBlob(archive, sha);
        Map<String, Double> before = stack.evalMetrics();
        long t0 = System.nanoTime();
        ModelVersion created = registry.createVersion(MODEL, new CreateVersionRequest(sha, manifest, Map.of()));
        if (created.version() != expectedVersion) {
            throw new IllegalStateException("expected version " + expectedVersion + " of " + MODEL + " in a fresh registry, got "
                    + created.version());
        }
        System.out.printf("v%d created; waiting for its evaluation (%d + %d images)...%n", created.version(), maxTrain, maxTest);
        long deadline = t0 + timeout.toNanos();
        Optional<EvaluationCompleted> done = Optional.empty();
        while (done.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no evaluation of v" + created.version() + " after " + timeout + "; end of the "
                        + "evaluator's log:\n" + stack.evalLogTail());
            }
            Thread.sleep(200);
            done = registry.getVersion(MODEL, created.version()).evaluations().stream().findFirst();
        }
        double endToEnd = (System.nanoTime() - t0) / 1e9;
        EvaluationCompleted e = done.get();
        if (!EvaluationCompleted.SUCCEEDED.equals(e.status())) {
            throw new IllegalStateException("the evaluation of v" + created.version() + " failed: " + e.failureReason());
        }
        Thread.sleep(500); // the stage timers of publish are recorded after the store
        Map<String, Double> stages = StageTimes.between(before, stack.evalMetrics());
        System.out.printf("v%d: stored %.1f s after creation; stages %s%n", created.version(), endToEnd, stages);
        return new Run(created.version(), e, endToEnd, stages);
    }

    /** {@code probe_features.py} on the exported features: protocol to its JSON line. */
    private Map<String, JsonNode> peer(Path repo, Path features) throws Exception {
        System.out.println("running the PyTorch probe on the exported features (" + features + ")...");
        List<JsonNode> lines = Peer.run(Peer.script(repo, "probe_features.py"), List.of(
                "--train-x", features.resolve("train_x.npy").toString(), "--train-y", features.resolve("train_y.npy").toString(),
                "--test-x", features.resolve("test_x.npy").toString(), "--test-y", features.resolve("test_y.npy").toString(),
                "--threads", Integer.toString(threads)), Duration.ofHours(1));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        lines.forEach(j -> out.put(j.path("protocol").asText(), j));
        return out;
    }

    private Report report(List<Run> runs, Map<String, JsonNode> peer, CheckpointManifest manifest) {
        Run first = runs.get(0);
        Run steady = runs.get(1);
        String command = "./bench eval --threads " + threads + (maxTrain != 60000 ? " --max-train " + maxTrain : "")
                + (maxTest != 10000 ? " --max-test " + maxTest : "") + (checkpoint != null ? " --checkpoint " + checkpoint : "")
                + (passiveOmp ? " --passive-omp" : "") + (noPeer ? " --no-peer" : "") + (noTuning ? " --no-tuning" : "");
        Report r = new Report("Evaluator: checkpoint event to stored evaluation", command);
        r.paragraph(String.format(Locale.ROOT, "The registry and the evaluator run as the local stack runs them (their Quarkus jars in "
                        + "JVMs of their own, a KRaft broker), the evaluator with %d libtorch threads and Fashion-MNIST's %,d train and "
                        + "%,d test images. Two versions of model `%s` (%s %s, %s) are created in the registry one after the other; each "
                        + "reaches the evaluator through the outbox and `ssl.checkpoints`. The first evaluation also computes the two "
                        + "baselines, raw pixels and a randomly initialised encoder of the same architecture: they are computed once per "
                        + "dataset (and architecture) and then reported with every evaluation. The second evaluation is the steady state: "
                        + "download, load, features of all %,d images, then the five protocols (%s). Times per stage are the evaluator's "
                        + "own stage timers (`ssl_eval_stage_duration_seconds`); the kNN protocols share one similarity pass, whose time "
                        + "is reported with knn@20.",
                threads, maxTrain, maxTest, MODEL, manifest.architecture().name(), manifest.architecture().params(),
                checkpoint != null ? "from " + checkpoint : "randomly initialised", maxTrain + maxTest, String.join(", ", PROTOCOLS)));
        List<String> stageNames = new ArrayList<>(List.of("download", "load", "features", "raw-pixels", "random-init"));
        stageNames.addAll(PROTOCOLS);
        stageNames.addAll(List.of("store", "publish"));
        List<List<String>> rows = new ArrayList<>();
        for (String stage : stageNames) {
            String label = switch (stage) {
                case "raw-pixels" -> "baseline: raw pixels (5 protocols)";
                case "random-init" -> "baseline: random-init encoder (features + 5 protocols)";
                default -> stage;
            };
            rows.add(List.of(label, seconds(first, stage), seconds(steady, stage)));
        }
        rows.add(List.of("**event received to all protocols stored**", "**" + Report.n1(first.receivedToStored()) + "**",
                "**" + Report.n1(steady.receivedToStored()) + "**"));
        rows.add(List.of("version created to evaluation stored (outbox, broker, consumer included)", Report.n1(first.endToEnd()),
                Report.n1(steady.endToEnd())));
        r.table(List.of("stage (seconds)", "v1: first, baselines computed", "v2: steady state"), rows);
        double goal = steady.receivedToStored();
        r.paragraph(String.format(Locale.ROOT, "Goal: under %.0f s from the event to all protocols stored for the steady state on these "
                        + "%d cores: **%s** (%.1f s). The baselines of the first evaluation are paid once per dataset and architecture.",
                GOAL_SECONDS, Runtime.getRuntime().availableProcessors(), goal < GOAL_SECONDS ? "met" : "not met", goal));

        List<List<String>> acc = new ArrayList<>();
        for (String p : PROTOCOLS) {
            acc.add(List.of(p, pct(steady, "encoder", p), pct(steady, "raw-pixels", p), pct(steady, "random-init", p)));
        }
        r.paragraph("Accuracies of v2 on the test split (linear@N: mean ± sd over 3 seeds):")
                .table(List.of("protocol", "encoder (v2)", "raw pixels", "random init"), acc);

        if (!peer.isEmpty()) {
            List<List<String>> cmp = new ArrayList<>();
            boolean agree = true;
            for (String p : PEER_PROTOCOLS) {
                double ours = result(steady, "encoder", p).accuracy();
                double theirs = peer.get(p).path("test_acc").asDouble(Double.NaN);
                double diff = Math.round(10000 * (ours - theirs)) / 100.0 + 0.0; // points, to 0.01 (no "-0.00")
                agree &= Math.abs(diff) <= AGREEMENT_POINTS;
                String seconds = p.equals("linear")
                        ? Report.n1(result(steady, "encoder", p).seconds()) + " / " + Report.n1(peer.get(p).path("seconds").asDouble())
                        : "-";
                cmp.add(List.of(p, Report.pct(ours), Report.pct(theirs), String.format(Locale.ROOT, "%+.2f", diff), seconds));
            }
            r.paragraph(String.format(Locale.ROOT, "Our protocols against an independent fit on the same features: the evaluator exported "
                            + "v2's features (`ssl.eval.features-export-dir`) and `benchmarks/peer/probe_features.py` (Debian's PyTorch, "
                            + "full-batch L-BFGS with strong Wolfe line search, wd 1e-4, 300 iterations; the same kNN) ran on them in "
                            + "this run, %d threads. Agreement within %.1f points: **%s**.", threads, AGREEMENT_POINTS,
                    agree ? "yes" : "no"))
                    .table(List.of("protocol", "ours", "PyTorch peer", "ours − peer (points)", "probe seconds ours / peer"), cmp);
        }
        return r;
    }

    private void tuning(Report r, Path archive, Path features) throws Exception {
        System.out.println("measuring the evaluator's knobs in this process...");
        List<List<String>> fx = Tuning.features(archive, dataDir, Math.min(tuneImages, maxTrain));
        r.paragraph(String.format(Locale.ROOT, "Feature extraction alone, in this process with %d threads on %,d images of the v2 "
                + "checkpoint, all under inference mode (`NoGrad`). The first row is the previous evaluator (NCHW input, BatchNorm "
                + "run as a layer, batch 500); the evaluator now feeds the input in channels-last order (oneDNN's convolutions skip "
                + "the reorder of every layer's input and output) and folds each BatchNorm into the convolution before it, batch "
                + "500. The last column is the largest difference to the first row's features.", threads,
                Math.min(tuneImages, maxTrain)))
                .table(List.of("input layout", "BatchNorm", "batch", "seconds", "ms per image", "vs first row", "max |Δ feature|"), fx);
        int[] rows = new int[1];
        int[] cols = new int[1];
        FeatureMatrix train = FeatureMatrix.copyOf(NpyReader.floats(features.resolve("train_x.npy"), rows, cols), rows[0], cols[0]);
        FeatureMatrix test = FeatureMatrix.copyOf(NpyReader.floats(features.resolve("test_x.npy"), rows, cols), rows[0], cols[0]);
        LabelledDataset labels = LabelledDataset.fashionMnist(dataDir, maxTrain, maxTest);
        r.paragraph("The `linear` probe on v2's exported features in float32 (what the evaluator runs, as the peer does) and float64 "
                        + "(L-BFGS itself keeps its state in doubles either way):")
                .table(List.of("dtype", "seconds", "iterations", "evaluations", "ms per evaluation", "accuracy", "objective"),
                        Tuning.probe(train, labels.trainLabels(), test, labels.testLabels()));
        r.paragraph("knn@20 and knn@200 on the same features, each with its own similarity pass, or sharing one (what the evaluator "
                        + "does: the top 200 of each test row, of which knn@20 uses the first 20):")
                .table(List.of("kNN passes", "seconds", "knn@20", "knn@200"),
                        Tuning.knn(train, labels.trainLabels(), test, labels.testLabels()));
    }

    private static String seconds(Run run, String stage) {
        Double s = run.stages().get(stage);
        return s == null ? "-" : Report.n1(s);
    }

    private static ProtocolResult result(Run run, String featureSet, String protocol) {
        return run.evaluation().results().stream()
                .filter(x -> x.featureSet().equals(featureSet) && x.protocol().equals(protocol))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("v" + run.version() + " has no " + featureSet + " " + protocol + " result"));
    }

    private static String pct(Run run, String featureSet, String protocol) {
        ProtocolResult x = result(run, featureSet, protocol);
        return x.spread() > 0
                ? String.format(Locale.ROOT, "%.1f ± %.1f%%", 100 * x.accuracy(), 100 * x.spread())
                : Report.pct(x.accuracy());
    }
}
