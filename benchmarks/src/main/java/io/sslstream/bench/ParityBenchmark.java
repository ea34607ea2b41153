package io.sslstream.bench;

import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.bench.trainer.Probes;
import io.sslstream.bench.trainer.SideBySide;
import io.sslstream.bench.trainer.SideBySide.Side;
import io.sslstream.bench.trainer.ViewFile;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.Methods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./bench parity}: every method trained twice on the same view sets, once by the trainer's own {@link Learner}
 * and once by an independent PyTorch implementation ({@code benchmarks/peer/parity_peer.py}); the same encoder, heads,
 * loss, optimizer, schedule and batch; then both encoders' frozen features scored by the same probe code (the
 * evaluator's protocol classes). The views are written once to a file by the augmenter's recipe classes and read by
 * both sides, so a difference is about training, not augmentation. Results per method are kept in {@code --out}, so
 * an interrupted run resumes.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = "Each method trained by our trainer and by a PyTorch peer on the same views; both scored by the same probes.")
public class ParityBenchmark implements Callable<Integer> {

    @Option(names = "--method", split = ",", defaultValue = "all",
            description = "simclr, moco, byol, simsiam, barlow-twins, vicreg, mae, or all (default: ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--size", defaultValue = "full",
            description = "proxy (6,400 images x 1 epoch = 25 steps, probes on 10,000 / 2,000 images: a few minutes per method) "
                    + "or full (60,000 x 1 = 234 steps, probes on 60,000 / 10,000: about an hour for all methods here); "
                    + "--images, --epochs, --eval-train, --eval-test override (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--images", description = "training images per epoch (the first N of the train split)")
    Integer images;

    @Option(names = "--epochs", description = "epochs over them")
    Integer epochs;

    @Option(names = "--eval-train", description = "labelled train images the probes fit on")
    Integer evalTrain;

    @Option(names = "--eval-test", description = "test images the probes score")
    Integer evalTest;

    @Option(names = "--batch", defaultValue = "256", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, sgd or lars, both sides (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "weight decay of conv and linear weights (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--warmup-steps", defaultValue = "0", description = "linear warm-up steps before the cosine (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads of each side, 0 = all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seed", defaultValue = "0", description = "view order, augmentation and initialisation seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--data", description = "Fashion-MNIST folder (default: the Debian package's, else the shipped subset)")
    Path data;

    @Option(names = "--out", description = "view files, features and per-method results (default: var/bench/parity)")
    Path out;

    @Option(names = "--fresh", description = "ignore results already in --out and run again")
    boolean fresh;

    @Option(names = "--same-init", description = "the peer starts from our side's initial weights instead of its own draw "
            + "(a section of its own: the first steps' losses must then agree to float rounding)")
    boolean sameInit;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    /** Both sides of one method. */
    public record Pair(Side ours, Side peer, double load) {
    }

    int images() {
        return images != null ? images : "proxy".equals(size) ? 6_400 : 60_000;
    }

    int epochs() {
        return epochs != null ? epochs : 1;
    }

    int evalTrain() {
        return evalTrain != null ? evalTrain : "proxy".equals(size) ? 10_000 : 60_000;
    }

    int evalTest() {
        return evalTest != null ? evalTest : "proxy".equals(size) ? 2_000 : 10_000;
    }

    @Override
    public Integer call() throws Exception {
        if (!List.of("proxy", "full").contains(size)) {
            throw new IllegalArgumentException("--size must be proxy or full, got " + size);
        }
        Path repo = Repo.root();
        Path dataDir = data != null ? data : Views.defaultData(repo);
        Path store = (out != null ? out : repo.resolve("var/bench/parity")).toAbsolutePath();
        Files.createDirectories(store);
        List<String> todo = methods.contains("all") ? Methods.ALL.stream().map(MethodDefinition::name).toList() : methods;
        todo.forEach(Methods::named);
        FashionMnist.Split train = FashionMnist.read(dataDir, "train", 60_000);
        Probes.Labelled labelledTrain = Probes.Labelled.of(FashionMnist.read(dataDir, "train", evalTrain()));
        Probes.Labelled labelledTest = Probes.Labelled.of(FashionMnist.read(dataDir, "t10k", evalTest()));
        String config = String.format(Locale.ROOT, "%dx%d-b%d-%s-lr%s-wd%s-w%d-seed%d-eval%dx%d", images(), epochs(), batch, optimizer, lr,
                weightDecay, warmupSteps, seed, labelledTrain.count(), labelledTest.count()) + (sameInit ? "-same-init" : "");
        System.out.printf("parity %s: %d images x %d epochs, batch %d, %s lr %s (cosine to 0), probes on %d / %d; results in %s%n",
                todo, images(), epochs(), batch, optimizer, lr, labelledTrain.count(), labelledTest.count(), store);

        Path rawFile = store.resolve("raw-pixels-" + labelledTrain.count() + "x" + labelledTest.count() + ".json");
        List<ProtocolResult> raw;
        if (!fresh && Files.isRegularFile(rawFile)) {
            raw = Arrays.asList(Json.MAPPER.readValue(rawFile.toFile(), ProtocolResult[].class));
        } else {
            raw = Probes.run("raw-pixels", Probes.pixels(labelledTrain), labelledTrain, Probes.pixels(labelledTest), labelledTest);
            Files.write(rawFile, Json.MAPPER.writeValueAsBytes(raw));
        }

        List<Pair> pairs = new ArrayList<>();
        for (String m : todo) {
            Path result = store.resolve(m + "-" + config + ".json");
            if (!fresh && Files.isRegularFile(result)) {
                System.out.println("reusing " + result.getFileName() + " (--fresh runs it again)");
                pairs.add(Json.MAPPER.readValue(result.toFile(), Pair.class));
                continue;
            }
            MethodDefinition def = Methods.named(m);
            Recipe recipe = Views.recipe(def.defaultRecipe());
            Path views = store.resolve(String.format(Locale.ROOT, "views-%s-%dx%d-b%d-seed%d.bin", def.defaultRecipe(), images(), epochs(),
                    batch, seed));
            if (fresh || !Files.isRegularFile(views)) {
                System.out.println("writing the " + def.defaultRecipe() + " views once to " + views);
                ViewFile.write(views, recipe, train, images(), epochs(), batch, seed);
            }
            double load = Machine.loadAverage();
            SideBySide.Settings settings = new SideBySide.Settings(optimizer, lr, weightDecay, warmupSteps, threads, seed, data, 0, null,
                    sameInit ? store.resolve("init") : null);
            Pair p;
            try (ViewFile file = ViewFile.open(views, def.defaultRecipe())) {
                Side ours = SideBySide.ours(def, file, settings, labelledTrain, labelledTest);
                Side peer = SideBySide.peer(repo, def, file, store, settings, labelledTrain, labelledTest);
                p = new Pair(ours, peer, load);
            }
            Files.write(result, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
            pairs.add(p);
        }
        report(pairs, raw, labelledTrain.count(), labelledTest.count());
        return 0;
    }

    static double accuracy(List<ProtocolResult> results, String protocol) {
        return SideBySide.accuracy(results, protocol);
    }

    /** Mean loss over a window around 0, 1/3, 2/3 and the end of the run: {@code a → b → c → d}. */
    static String curve(List<Double> losses) {
        int n = losses.size();
        int w = Math.max(1, n / 10);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            int centre = i == 0 ? 0 : i == 3 ? n - w : (int) Math.round(i * n / 3.0) - w / 2;
            int from = Math.max(0, Math.min(n - w, centre));
            double sum = 0;
            for (int k = from; k < from + w; k++) {
                sum += losses.get(k);
            }
            sb.append(i > 0 ? " → " : "").append(String.format(Locale.ROOT, "%.3f", sum / w));
        }
        return sb.toString();
    }

    /** The two losses at steps 1, 2, 5 and 10 ({@code ours / peer}) and their largest relative difference over steps 1 to 10. */
    static String firstSteps(List<Double> ours, List<Double> peer) {
        int n = Math.min(10, Math.min(ours.size(), peer.size()));
        StringBuilder sb = new StringBuilder();
        double worst = 0;
        for (int k = 0; k < n; k++) {
            double a = ours.get(k);
            double b = peer.get(k);
            worst = Math.max(worst, Math.abs(a - b) / Math.max(Math.abs(b), 1e-12));
            if (k == 0 || k == 1 || k == 4 || k == 9) {
                sb.append(sb.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%d: %.4f / %.4f", k + 1, a, b));
            }
        }
        return sb.append(String.format(Locale.ROOT, " (relative difference at most %.1e)", worst)).toString();
    }

    private static String cell(Side a, Side b, String protocol) {
        double x = accuracy(a.results(), protocol);
        double y = accuracy(b.results(), protocol);
        return String.format(Locale.ROOT, "%.1f / %.1f (%+.1f)", 100 * x, 100 * y, 100 * (x - y));
    }

    private void report(List<Pair> pairs, List<ProtocolResult> raw, int probeTrain, int probeTest) throws Exception {
        List<List<String>> table = new ArrayList<>();
        for (Pair p : pairs) {
            table.add(List.of(p.ours().method(), Integer.toString(p.ours().steps()), cell(p.ours(), p.peer(), "linear"),
                    cell(p.ours(), p.peer(), "linear@100"), cell(p.ours(), p.peer(), "knn@20"), curve(p.ours().losses()),
                    curve(p.peer().losses()), String.format(Locale.ROOT, "%.0f / %.0f (%.2fx)", p.ours().medianStepMs(), p.peer().medianStepMs(),
                            p.ours().medianStepMs() / p.peer().medianStepMs()), String.format(Locale.ROOT, "%.1f", p.load())));
            if (sameInit) {
                List<String> row = new ArrayList<>(table.remove(table.size() - 1));
                row.add(5, firstSteps(p.ours().losses(), p.peer().losses()));
                table.add(row);
            }
        }
        List<String> rawRow = new ArrayList<>(List.of("raw pixels", "-", String.format(Locale.ROOT, "%.1f", 100 * accuracy(raw, "linear")),
                String.format(Locale.ROOT, "%.1f", 100 * accuracy(raw, "linear@100")), String.format(Locale.ROOT, "%.1f", 100 * accuracy(raw, "knn@20")),
                "-", "-", "-", "-"));
        if (sameInit) {
            rawRow.add("-");
        }
        table.add(rawRow);
        String command = "./bench parity --size " + size + (methods.contains("all") ? "" : " --method " + String.join(",", methods))
                + (images != null ? " --images " + images : "") + (epochs != null ? " --epochs " + epochs : "")
                + (evalTrain != null ? " --eval-train " + evalTrain : "") + (evalTest != null ? " --eval-test " + evalTest : "")
                + (batch != 256 ? " --batch " + batch : "") + (!"adamw".equals(optimizer) ? " --optimizer " + optimizer : "")
                + (lr != 1e-3 ? " --lr " + lr : "") + (weightDecay > 0 ? " --weight-decay " + weightDecay : "")
                + (warmupSteps > 0 ? " --warmup-steps " + warmupSteps : "") + (sameInit ? " --same-init" : "");
        List<String> columns = new ArrayList<>(List.of("method", "steps", "linear", "linear@100", "knn@20", "loss ours", "loss peer",
                "ms/step ours / peer", "load"));
        if (sameInit) {
            columns.add(5, "loss at steps 1, 2, 5, 10: ours / peer");
        }
        Report r = new Report(sameInit ? "Parity from the same initial weights: each method against its PyTorch peer"
                : "Parity: each method against an independent PyTorch implementation", command)
                .paragraph(String.format(Locale.ROOT, "Each method trained twice on the same view sets (the augmenter's recipe classes, "
                                + "written once to a file: %,d Fashion-MNIST training images x %d epoch(s), batch %d, each method's own recipe), "
                                + "by our trainer (`Learner`, DJL) and by `benchmarks/peer/parity_peer.py` (PyTorch %s, written from the papers "
                                + "and our Javadoc): same encoder and heads (and initial weight distributions), loss, %s with peak learning "
                                + "rate %s and weight decay %s on conv and linear weights only, cosine to 0 over the run%s, BYOL and MoCo "
                                + "target momentum 0.99 rising to 1. Both encoders' frozen features go through the same probe code (the "
                                + "evaluator's classes): fit on %,d labelled training images, scored on %,d test images. Cells: ours / "
                                + "peer (ours minus peer, points). Loss: mean over a tenth of the run at its start, 1/3, 2/3 and end. "
                                + "ms/step: median step without data loading, one after the other on the same cores (load: the 1-minute "
                                + "load average when the method started; the machine is shared, so step times are noisy).",
                        images(), epochs(), batch, "1.13 from Debian", optimizer, lr, weightDecay,
                        warmupSteps > 0 ? " after " + warmupSteps + " warm-up steps" : "", probeTrain, probeTest))
;
        if (sameInit) {
            r.paragraph("Here the peer starts from our side's initial weights (`--same-init`: written by our side, loaded by position "
                    + "with every shape checked) instead of its own draw, so the two runs differ only in their code and libraries (DJL on "
                    + "libtorch against PyTorch 1.13): the losses of the first steps must agree to float rounding, and a difference "
                    + "that grows from step 1 points at the code.");
        }
        r.table(columns, table);
        r.writeTo(doc != null ? doc : Repo.benchmarksDoc(), sameInit ? "parity-same-init" : "parity");
        System.out.print(r.markdown());
    }
}
