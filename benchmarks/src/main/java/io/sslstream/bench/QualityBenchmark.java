package io.sslstream.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.bench.trainer.Pretraining;
import io.sslstream.bench.trainer.Probes;
import io.sslstream.bench.trainer.SideBySide;
import io.sslstream.bench.trainer.ViewFile;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.model.Engines;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.method.Methods;
import io.sslstream.trainer.optim.OptimizerSettings;
import io.sslstream.trainer.optim.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./bench quality}: each method pretrains on Fashion-MNIST for a fixed wall-clock budget (the trainer's own
 * {@code Learner}, fed by the augmenter's recipe classes from an in-memory stream), then the evaluator's protocol
 * classes score frozen features of the labelled splits (linear probe on all labels and on 100 per class, kNN),
 * next to raw pixels and the same encoder untrained. Every finished method is stored in {@code --out}, so a long
 * {@code --method all} run resumes where it stopped.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Pretrain each method for a fixed CPU budget (or, with --epochs, an images-seen budget next to the PyTorch peer), "
                + "then linear probe and kNN next to raw-pixel and random-encoder baselines.")
public class QualityBenchmark implements Callable<Integer> {

    @Option(names = "--method", split = ",", defaultValue = "simclr",
            description = "simclr, moco, byol, simsiam, barlow-twins, vicreg, mae, or all (default: ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--budget", defaultValue = "5m", description = "pretraining wall clock per method, e.g. 20s, 5m, 1h (default: ${DEFAULT-VALUE})")
    Duration budget;

    @Option(names = "--epochs", description = "images-seen budget instead of --budget: this many epochs of --images for each method, "
            + "trained by our trainer and by the PyTorch peer (benchmarks/peer/parity_peer.py) on the same views written once to a file, "
            + "knn@20 every --eval-every epochs on both: minutes of training to reach the raw-pixel kNN and 88% kNN (section quality-epochs)")
    Integer epochs;

    @Option(names = "--images", defaultValue = "60000", description = "with --epochs: training images per epoch (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--eval-every", defaultValue = "1", description = "with --epochs: epochs between knn@20 points (default: ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--widths", split = ",", description = "with --epochs: the small CNN's 4 widths on both sides, e.g. 32,64,128,256 "
            + "for 256 features (default: 32,64,128,128)")
    List<Integer> widths;

    @Option(names = "--crop-min", description = "with --epochs: smallest crop area of every view, as a fraction of the image "
            + "(default: the recipe's, 0.08 for byol, 0.5 for simclr)")
    Double cropMin;

    @Option(names = "--ours-only", description = "with --epochs: train our side only (lever proxies; no peer, no time-to-accuracy ratio)")
    boolean oursOnly;

    @Option(names = "--encoder", description = "small-cnn, resnet18 or vit-tiny (default: the method's: vit-tiny for mae, else small-cnn)")
    String encoder;

    @Option(names = "--batch", defaultValue = "256", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, sgd or lars (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "weight decay of weights (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--warmup-steps", defaultValue = "0", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    long warmupSteps;

    // a plain flag: picocli 4.7's negatable options with defaultValue "true" keep true on --no-... (picocli issue 1880)
    @Option(names = "--constant-lr",
            description = "constant learning rate for the whole budget (which a busy machine cannot mis-plan) instead of the default: "
                    + "a cosine to 0 over the steps the budget is estimated to allow, stopping there")
    boolean constantLr;

    @Option(names = "--temperature", description = "SimCLR / MoCo temperature (default: 0.5 / 0.2)")
    Double temperature;

    @Option(names = "--projection", split = ",", description = "projection head sizes (default: the method's)")
    List<Integer> projection;

    @Option(names = "--data", description = "Fashion-MNIST folder (default: the Debian package's, else the shipped subset)")
    Path data;

    @Option(names = "--eval-train", defaultValue = "60000", description = "labelled train images the probes fit on (default: all)")
    int evalTrain;

    @Option(names = "--eval-test", defaultValue = "10000", description = "test images the probes score (default: all)")
    int evalTest;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads, 0 = all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation and augmentation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", description = "where finished methods, baselines and encoders are kept (default: var/bench/quality)")
    Path out;

    @Option(names = "--fresh", description = "ignore results already in --out and run again")
    boolean fresh;

    @Option(names = "--baselines-only", description = "compute (and store in --out) the raw-pixel and random-encoder rows only; "
            + "no pretraining, no report")
    boolean baselinesOnly;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    /** One row of the table: a feature set and its four protocol results. */
    public record Row(String features, String method, String encoder, String recipe, long budgetSeconds, long steps, double epochs,
                      double medianStepMs, double firstLoss, double lastLoss, Map<String, Object> hyperparameters,
                      List<ProtocolResult> results, String date) {
    }

    @Override
    public Integer call() throws Exception {
        Path repo = Repo.root();
        Path dataDir = data != null ? data : Views.defaultData(repo);
        Path store = out != null ? out : repo.resolve("var/bench/quality");
        Files.createDirectories(store);
        List<String> todo = methods.contains("all") ? Methods.ALL.stream().map(MethodDefinition::name).toList() : methods;
        FashionMnist.Split train = FashionMnist.read(dataDir, "train", 60_000);
        Probes.Labelled labelledTrain = Probes.Labelled.of(FashionMnist.read(dataDir, "train", evalTrain));
        Probes.Labelled labelledTest = Probes.Labelled.of(FashionMnist.read(dataDir, "t10k", evalTest));
        InputSpec input = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));
        String evalKey = labelledTrain.count() + "x" + labelledTest.count() + "-" + dataDir.getFileName();
        System.out.printf("pretraining on %d images of %s; probes on %d train / %d test; results in %s%n", train.count(), dataDir,
                labelledTrain.count(), labelledTest.count(), store);

        List<Row> rows = new ArrayList<>();
        rows.add(cached(store.resolve("baseline-raw-pixels-" + evalKey + ".json"), () -> {
            System.out.println("raw pixels:");
            return row("raw pixels", "-", "-", "-", Probes.run("raw-pixels", Probes.pixels(labelledTrain), labelledTrain,
                    Probes.pixels(labelledTest), labelledTest));
        }));
        List<String> encoders = new ArrayList<>();
        for (String m : todo) {
            String e = encoder != null ? encoder : Methods.named(m).defaultEncoder();
            if (!encoders.contains(e)) {
                encoders.add(e);
            }
        }
        for (String e : encoders) {
            rows.add(cached(store.resolve("baseline-random-" + e + "-seed" + seed + "-" + evalKey + ".json"), () -> {
                System.out.println("random " + e + ":");
                try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
                    Engines.pytorch().setRandomSeed((int) seed);
                    FeatureMatrix[] f = Probes.randomEncoder(Encoders.create(Encoders.named(e)), input, m, labelledTrain, labelledTest);
                    return row("random " + e, "-", e, "-", Probes.run("random-" + e, f[0], labelledTrain, f[1], labelledTest));
                }
            }));
        }
        if (baselinesOnly) {
            return 0;
        }
        if (epochs == null && (widths != null || cropMin != null || oursOnly)) {
            throw new IllegalArgumentException("--widths, --crop-min and --ours-only apply to --epochs runs only");
        }
        if (epochs != null) {
            return byEpochs(repo, dataDir, store, todo, train, labelledTrain, labelledTest, rows.get(0).results());
        }
        for (String m : todo) {
            String e = encoder != null ? encoder : Methods.named(m).defaultEncoder();
            String key = String.format(Locale.ROOT, "%s-%s-%ds-b%d-%s-lr%s-wd%s-%s-seed%d-%s", m, e, budget.toSeconds(), batch, optimizer, lr,
                    weightDecay, !constantLr ? "cosine" + warmupSteps : "constant", seed, evalKey);
            rows.add(cached(store.resolve(key + ".json"), () -> pretrainAndProbe(m, e, train, input, labelledTrain, labelledTest,
                    store.resolve(key + ".ckpt.zip"))));
        }
        report(rows, dataDir, train.count(), labelledTrain.count(), labelledTest.count());
        return 0;
    }

    private Row pretrainAndProbe(String method, String encoderName, FashionMnist.Split train, InputSpec input, Probes.Labelled labelledTrain,
                                 Probes.Labelled labelledTest, Path checkpoint) throws Exception {
        Architecture arch = Encoders.named(encoderName);
        MethodDefinition definition = Methods.named(method);
        String recipeName = definition.defaultRecipe();
        Recipe recipe = Views.recipe(recipeName);
        Map<String, String> overrides = new HashMap<>(); // the method's defaults but for these
        if (projection != null) {
            overrides.put(MethodConfig.PROJECTION, projection.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")));
        }
        if (temperature != null) {
            overrides.put(MethodConfig.TEMPERATURE, temperature.toString());
        }
        MethodSettings ms = definition.settings(arch, input, MethodConfig.of(overrides));
        OptimizerSettings probeOpt = new OptimizerSettings(optimizer, Schedule.constant(lr), weightDecay, 0.9, false, 0.02, 0.9, 0.999);
        double msPerStep = Pretraining.calibrate(new Learner.Settings(ms, probeOpt, batch, seed), recipe, train, threads);
        long planned = Math.max(1, (long) (budget.toMillis() / msPerStep));
        Schedule schedule = !constantLr ? new Schedule(lr, Math.min(warmupSteps, planned), planned, 0) : new Schedule(lr, warmupSteps, 0, 1);
        OptimizerSettings opt = new OptimizerSettings(optimizer, schedule, weightDecay, 0.9, false, 0.02, 0.9, 0.999);
        Learner.Settings settings = new Learner.Settings(ms.withTotalSteps(planned), opt, batch, seed);
        System.out.printf("%s on %s (recipe %s), batch %d, %s lr %s: ~%.0f ms/step, planning %d steps in %s%n", method, encoderName,
                recipeName, batch, optimizer, lr, msPerStep, planned, budget);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("recipe", recipeName);
        hp.put("batch_size", batch);
        hp.putAll(opt.describe());
        hp.putAll(ms.describe());
        try (Learner learner = new Learner(settings, Device.cpu())) {
            // with the cosine, stop where the learning rate reaches 0 (a calibration on a busy machine can be off either
            // way; steps after the schedule's end would train at lr 0); constant rate: the budget alone
            Pretraining.Outcome o = Pretraining.run(learner, recipe, train, batch, budget, !constantLr ? planned : 0, threads, seed, 50);
            System.out.printf("%s: %d steps (%.2f epochs) in %.0f s, loss %.4f -> %.4f, %.0f ms/step, %.0f ms data wait (medians)%n",
                    method, o.steps(), o.samples() / (double) train.count(), o.seconds(), o.firstLoss(), o.lastLoss(), o.medianStepMs(),
                    o.medianWaitMs());
            learner.save(checkpoint, new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, "bench-quality", "quality-" + method, method,
                    arch, input, o.steps(), o.samples(), seed, "-", hp, Map.of(CheckpointManifest.Metrics.LOSS, (double) o.lastLoss()),
                    Map.of(), Engines.provenance(Device.cpu())));
            try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
                FeatureMatrix f = Probes.features(learner.method().encoder(), input, m, labelledTrain);
                FeatureMatrix g = Probes.features(learner.method().encoder(), input, m, labelledTest);
                List<ProtocolResult> results = Probes.run(method, f, labelledTrain, g, labelledTest);
                return new Row(method, method, encoderName, recipeName, budget.toSeconds(), o.steps(), o.samples() / (double) train.count(),
                        o.medianStepMs(), o.firstLoss(), o.lastLoss(), hp, results, Instant.now().toString());
            }
        }
    }

    private static Row row(String features, String method, String encoder, String recipe, List<ProtocolResult> results) {
        return new Row(features, method, encoder, recipe, 0, 0, 0, 0, Double.NaN, Double.NaN, Map.of(), results, Instant.now().toString());
    }

    @FunctionalInterface
    interface Work {
        Row run() throws Exception;
    }

    /** The stored row, or runs the work and stores its row (so that an interrupted long run resumes here). */
    private Row cached(Path file, Work work) throws Exception {
        if (!fresh && Files.isRegularFile(file)) {
            Row r = Json.MAPPER.readValue(file.toFile(), Row.class);
            System.out.println("reusing " + file.getFileName() + " (--fresh runs it again)");
            return r;
        }
        Row r = work.run();
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
        return r;
    }

    private static String acc(Row r, String protocol) {
        for (ProtocolResult p : r.results()) {
            if (p.protocol().equals(protocol)) {
                return p.spread() > 0 ? String.format(Locale.ROOT, "%.1f%% ± %.1f", 100 * p.accuracy(), 100 * p.spread())
                        : String.format(Locale.ROOT, "%.1f%%", 100 * p.accuracy());
            }
        }
        return "-";
    }

    /**
     * Both sides of one method after an images-seen budget ({@code peer} null in a lever proxy), with the levers that
     * differ from the method's defaults ({@code levers}, "defaults" if none).
     */
    public record EpochsRow(SideBySide.Side ours, SideBySide.Side peer, double load, int epochs, int images, String levers, String optimizer,
                            double lr, double weightDecay) {
    }

    private Integer byEpochs(Path repo, Path dataDir, Path store, List<String> todo, FashionMnist.Split train, Probes.Labelled labelledTrain,
                             Probes.Labelled labelledTest, List<ProtocolResult> raw) throws Exception {
        if (encoder != null || projection != null || temperature != null || constantLr) {
            throw new IllegalArgumentException("--epochs trains each method's defaults with a cosine schedule, on both sides; "
                    + "--encoder, --projection, --temperature and --constant-lr apply to --budget runs only");
        }
        if (epochs < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("--epochs and --eval-every must be >= 1, got " + epochs + " and " + evalEvery);
        }
        int perEpoch = ViewFile.stepsPerEpoch(images, batch);
        List<EpochsRow> rows = new ArrayList<>();
        for (String m : todo) {
            MethodDefinition def = Methods.named(m);
            String key = String.format(Locale.ROOT, "epochs-%s-%dx%d-every%d-b%d-%s-lr%s-wd%s-w%d-seed%d-%dx%d%s%s", m, images, epochs,
                    evalEvery, batch, optimizer, lr, weightDecay, warmupSteps, seed, labelledTrain.count(), labelledTest.count(), variant(),
                    oursOnly ? "-ours" : "");
            Path result = store.resolve(key + ".json");
            if (!fresh && Files.isRegularFile(result)) {
                System.out.println("reusing " + result.getFileName() + " (--fresh runs it again)");
                rows.add(Json.MAPPER.readValue(result.toFile(), EpochsRow.class));
                continue;
            }
            Path views = store.resolve(String.format(Locale.ROOT, "views-%s-%dx%d-b%d-seed%d%s.bin", def.defaultRecipe(), images, epochs, batch,
                    seed, cropMin != null ? "-crop" + cropMin : ""));
            if (fresh || !Files.isRegularFile(views)) {
                System.out.println("writing " + epochs + " epoch(s) of " + def.defaultRecipe() + " views once to " + views);
                ViewFile.write(views, Views.recipe(def.defaultRecipe(), cropMin), train, images, epochs, batch, seed);
            }
            SideBySide.Settings settings = new SideBySide.Settings(optimizer, lr, weightDecay, (int) warmupSteps, threads, seed, data,
                    evalEvery * perEpoch, widths, null);
            double load = Machine.loadAverage();
            EpochsRow row;
            try (ViewFile file = ViewFile.open(views, def.defaultRecipe())) {
                SideBySide.Side ours = SideBySide.ours(def, file, settings, labelledTrain, labelledTest);
                SideBySide.Side peer = oursOnly ? null : SideBySide.peer(repo, def, file, store, settings, labelledTrain, labelledTest);
                row = new EpochsRow(ours, peer, load, epochs, images, levers(), optimizer, lr, weightDecay);
            }
            Files.write(result, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(row));
            rows.add(row);
        }
        if (oursOnly) {
            reportLevers(store, raw, labelledTrain.count(), labelledTest.count());
        } else {
            reportEpochs(rows, raw, dataDir, labelledTrain.count(), labelledTest.count());
        }
        return 0;
    }

    /**
     * The lever proxies and the long runs of the levers found: every ours-only result in the store (this run's and
     * earlier ones'), one row each, so that one table compares the levers tried one command at a time.
     */
    private void reportLevers(Path store, List<ProtocolResult> raw, int probeTrain, int probeTest) throws Exception {
        List<EpochsRow> rows = new ArrayList<>();
        try (var files = Files.list(store)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("epochs-") && p.getFileName().toString().endsWith("-ours.json"))
                    .toList()) {
                EpochsRow r = Json.MAPPER.readValue(f.toFile(), EpochsRow.class);
                if (r.images() == images && r.levers() != null) {
                    rows.add(r);
                }
            }
        }
        rows.sort(java.util.Comparator.comparingInt(EpochsRow::epochs).thenComparing(r -> r.ours().date()));
        double rawKnn = SideBySide.accuracy(raw, "knn@20");
        List<List<String>> table = new ArrayList<>();
        for (EpochsRow e : rows) {
            SideBySide.Side s = e.ours();
            StringBuilder points = new StringBuilder();
            if (s.points().size() > 1) {
                for (SideBySide.Point p : s.points()) {
                    points.append(points.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", 100 * p.knn20()));
                }
            }
            table.add(List.of(s.method(), Integer.toString(e.epochs()), e.levers(),
                    e.optimizer() + " " + e.lr() + (e.weightDecay() > 0 ? ", wd " + e.weightDecay() : ""),
                    pct(s.results(), "linear"), pct(s.results(), "linear@100"), pct(s.results(), "knn@20"),
                    points.length() > 0 ? points.toString() : "-", minutes(s.minutesTo(rawKnn)),
                    String.format(Locale.ROOT, "%.0f", s.medianStepMs()), String.format(Locale.ROOT, "%.1f", s.seconds() / 60),
                    String.format(Locale.ROOT, "%.1f", e.load())));
        }
        table.add(List.of("raw pixels", "-", "-", "-", pct(raw, "linear"), pct(raw, "linear@100"), pct(raw, "knn@20"), "-", "-", "-", "-", "-"));
        Report r = new Report("Quality levers: one method, ours only, an images-seen budget",
                "./bench quality --ours-only --epochs E" + (images != 60_000 ? " --images " + images : "")
                        + " --method M [--widths W] [--crop-min C] [--optimizer O --lr L --weight-decay D --warmup-steps S] (one command per row)")
                .paragraph(String.format(Locale.ROOT, "Each row: our trainer for the row's epochs of %,d Fashion-MNIST training images, batch %d, "
                                + "cosine to 0, on views written once to a file by the augmenter's recipe classes; the levers column says "
                                + "what differs from the method's defaults (small CNN 32-64-128-128, its recipe, AdamW 0.001). Probes (the "
                                + "evaluator's classes) fit on %,d labelled images and score %,d test images; knn@20 at the points: every "
                                + "--eval-every epochs; min to raw kNN: training minutes until knn@20 first reached the raw pixels' (%.1f%%). "
                                + "ms/step: median step; load: 1-minute load average at the row's start. A short proxy ranks levers; it "
                                + "does not predict the accuracy of a long run.",
                        images, batch, probeTrain, probeTest, 100 * rawKnn))
                .table(List.of("method", "epochs", "levers", "optimizer", "linear", "linear@100", "knn@20", "knn@20 at the points",
                        "min to raw kNN", "ms/step", "train min", "load"), table);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "quality-levers");
        System.out.print(r.markdown());
    }

    private static String pct(List<ProtocolResult> results, String protocol) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(results, protocol));
    }

    /** {@code --widths} joined by a separator. */
    private String widths(String separator) {
        return widths.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(separator));
    }

    /** The levers of this run, for the reader. */
    private String levers() {
        List<String> l = new ArrayList<>();
        if (widths != null) {
            l.add("widths " + widths("-"));
        }
        if (cropMin != null) {
            l.add("crop " + cropMin + "-1");
        }
        if (warmupSteps > 0) {
            l.add(warmupSteps + " warm-up steps");
        }
        return l.isEmpty() ? "defaults" : String.join(", ", l);
    }

    /** The levers of this run in a result file's name ("" for the method's defaults). */
    private String variant() {
        return (widths != null ? "-widths" + widths("_") : "")
                + (cropMin != null ? "-crop" + cropMin : "");
    }

    private static String minutes(double m) {
        return Double.isNaN(m) ? "not reached" : String.format(Locale.ROOT, "%.1f", m);
    }

    private void reportEpochs(List<EpochsRow> rows, List<ProtocolResult> raw, Path dataDir, int probeTrain, int probeTest) throws Exception {
        double rawKnn = SideBySide.accuracy(raw, "knn@20");
        List<List<String>> table = new ArrayList<>();
        for (EpochsRow e : rows) {
            for (SideBySide.Side s : e.peer() == null ? List.of(e.ours()) : List.of(e.ours(), e.peer())) {
                StringBuilder points = new StringBuilder();
                for (SideBySide.Point p : s.points()) {
                    points.append(points.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", 100 * p.knn20()));
                }
                table.add(List.of(s.method(), s.side(), String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(s.results(), "linear")),
                        String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(s.results(), "linear@100")),
                        String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(s.results(), "knn@20")), points.toString(),
                        String.format(Locale.ROOT, "%.1f", s.seconds() / 60), minutes(s.minutesTo(rawKnn)), minutes(s.minutesTo(0.88)),
                        String.format(Locale.ROOT, "%.0f", s.medianStepMs()), String.format(Locale.ROOT, "%.1f", e.load())));
            }
        }
        table.add(List.of("raw pixels", "-", String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(raw, "linear")),
                String.format(Locale.ROOT, "%.1f%%", 100 * SideBySide.accuracy(raw, "linear@100")), String.format(Locale.ROOT, "%.1f%%", 100 * rawKnn),
                "-", "-", "-", "-", "-", "-"));
        String command = "./bench quality --method " + String.join(",", methods) + " --epochs " + epochs
                + (images != 60_000 ? " --images " + images : "") + (evalEvery != 1 ? " --eval-every " + evalEvery : "") + " --batch " + batch
                + " --optimizer " + optimizer + " --lr " + lr + (weightDecay > 0 ? " --weight-decay " + weightDecay : "")
                + (warmupSteps > 0 ? " --warmup-steps " + warmupSteps : "")
                + (widths != null ? " --widths " + widths(",") : "")
                + (cropMin != null ? " --crop-min " + cropMin : "") + (oursOnly ? " --ours-only" : "") + (evalTrain != 60_000 ? " --eval-train " + evalTrain : "")
                + (evalTest != 10_000 ? " --eval-test " + evalTest : "");
        Report r = new Report("Quality at a budget of images: time to accuracy, ours and the PyTorch peer", command)
                .paragraph(String.format(Locale.ROOT, "Each method pretrained for %d epoch(s) of %,d Fashion-MNIST training images (%s), "
                                + "batch %d, %s with peak learning rate %s, cosine to 0 over the run, by our trainer and by the PyTorch peer "
                                + "(`benchmarks/peer/parity_peer.py`) on the same views (the augmenter's recipe classes, written once to a file). "
                                + "knn@20 points: the frozen encoder scored every %d epoch(s) and at the end by the same probe code (the "
                                + "evaluator's classes), fit on %,d labelled images, scored on %,d test images. Minutes: training time "
                                + "(reading the views and the steps; evaluations excluded) until knn@20 first reached the raw pixels' "
                                + "knn@20 (%.1f%%) and 88%%, resolved to the evaluation points. Both sides ran one after the other on the "
                                + "same shared cores (load: 1-minute load average at the method's start).",
                        rows.isEmpty() ? 0 : rows.get(0).epochs(), rows.isEmpty() ? 0 : rows.get(0).images(), dataDir, batch, optimizer, lr,
                        evalEvery, probeTrain, probeTest, 100 * rawKnn))
                .table(List.of("method", "side", "linear", "linear@100", "knn@20", "knn@20 at the points", "train min",
                        "min to raw kNN", "min to 88% kNN", "ms/step", "load"), table);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "quality-epochs");
        System.out.print(r.markdown());
    }

    private void report(List<Row> rows, Path dataDir, int pretrainImages, int probeTrain, int probeTest) throws Exception {
        List<List<String>> table = new ArrayList<>();
        for (Row r : rows) {
            String pre = r.steps() == 0 ? "-" : String.format(Locale.ROOT, "%s, %s, %d s: %,d steps (%.1f epochs), loss %.3f to %.3f, %.0f ms/step",
                    r.encoder(), r.recipe(), r.budgetSeconds(), r.steps(), r.epochs(), r.firstLoss(), r.lastLoss(), r.medianStepMs());
            table.add(List.of(r.features(), pre, acc(r, "linear"), acc(r, "linear@100"), acc(r, "knn@20"), acc(r, "knn@200")));
        }
        String command = "./bench quality --method " + String.join(",", methods) + " --budget " + budget.toSeconds() + "s"
                + (encoder != null ? " --encoder " + encoder : "") + " --batch " + batch + " --optimizer " + optimizer + " --lr " + lr
                + (weightDecay > 0 ? " --weight-decay " + weightDecay : "") + (warmupSteps > 0 ? " --warmup-steps " + warmupSteps : "")
                + (constantLr ? " --constant-lr" : "") + (data != null ? " --data " + data : "");
        Report r = new Report("Quality: methods after a fixed CPU budget", command)
                .paragraph(String.format(Locale.ROOT, "Pretraining on %,d Fashion-MNIST training images (%s) for %d s of wall clock per method "
                                + "on this machine's CPU (all its cores), batch %d, %s with peak learning rate %s%s; views from the augmenter's "
                                + "recipe classes (a new augmentation of every image each epoch). Then the evaluator's protocols on frozen "
                                + "features: `linear` (logistic regression on standardised features, all %,d labels), `linear@100` (100 labels per "
                                + "class, mean ± spread over 3 draws), weighted kNN (`knn@20`, T 0.07; `knn@200`, T 0.1), scored on %,d test "
                                + "images. Goal for the best method within 60 CPU minutes: linear >= 90%%, linear@100 >= 85%% (raw pixels: "
                                + "84.0%% and 77.5%%). libgomp wait policy: %s; the load average above shows how much of the CPU other "
                                + "work took (the budget is wall clock: on a shared busy machine a method gets fewer steps).",
                        pretrainImages, dataDir, budget.toSeconds(), batch, optimizer, lr,
                        !constantLr ? " (cosine to 0 over the steps the budget allows" + (warmupSteps > 0 ? ", " + warmupSteps + " warm-up steps" : "") + ")" : "",
                        probeTrain, probeTest, System.getenv().getOrDefault("OMP_WAIT_POLICY", "default (active)")))
                .table(List.of("features", "pretraining (encoder, recipe, budget: steps, loss, step time)", "linear", "linear@100", "knn@20", "knn@200"), table);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), "quality");
        System.out.print(r.markdown());
    }
}
