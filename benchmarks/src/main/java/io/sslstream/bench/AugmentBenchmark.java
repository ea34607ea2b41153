package io.sslstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.MultiViewRecipe;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.bench.augment.AugmentCases;
import io.sslstream.bench.augment.RecordBytes;
import io.sslstream.bench.augment.Throughput;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./bench augment}: views per second per core of our augmentation against torchvision's
 * ({@code benchmarks/peer/augment_bench.py}, run in the same run) on the peer's three cases and its per-op breakdown;
 * then each recipe through the whole augmenter (record decoding, recipe, view set encoding), and what views cost in
 * Kafka against their raw pixel bytes, before and after compression.
 *
 * <p>Ours runs on this thread alone, the peer with {@code torch.set_num_threads(1)}: both are per core. Each of our
 * numbers is the median of {@code --trials} trials after a warm-up; the peer's is the median of {@code --peer-runs}
 * runs.
 */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = "Augmentation views/s per core vs torchvision (same run), recipes end to end, Kafka bytes per view.")
public class AugmentBenchmark implements Callable<Integer> {

    /** The goal: at least this many times torchvision's per-core rate. */
    static final double GOAL_RATIO = 3.0;
    /** The goal for record value bytes against pixel bytes, before compression. */
    static final double GOAL_BYTES = 1.1;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Fashion-MNIST IDX folder; without it the test subset is used (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--trials", defaultValue = "7", description = "timed trials per case; the median is reported (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--warmup-s", defaultValue = "3", description = "seconds of JIT warm-up per case (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--views28", defaultValue = "100000", description = "views per trial at 28x28 (default: ${DEFAULT-VALUE})")
    int views28;

    @Option(names = "--views96", defaultValue = "10000", description = "views per trial at 96x96 (default: ${DEFAULT-VALUE})")
    int views96;

    @Option(names = "--recipe-samples", defaultValue = "5000",
            description = "samples per trial through the whole augmenter (default: ${DEFAULT-VALUE})")
    int recipeSamples;

    @Option(names = "--peer-runs", defaultValue = "3", description = "runs of the torchvision peer; the median is reported (default: ${DEFAULT-VALUE})")
    int peerRuns;

    @Option(names = "--peer-n28", defaultValue = "20000", description = "peer views at 28x28 (default: ${DEFAULT-VALUE})")
    int peerN28;

    @Option(names = "--peer-n96", defaultValue = "5000", description = "peer views at 96x96 (default: ${DEFAULT-VALUE})")
    int peerN96;

    @Option(names = "--peer-n-ops", defaultValue = "3000", description = "peer views per op of the breakdown (default: ${DEFAULT-VALUE})")
    int peerNOps;

    @Option(names = "--batch-bytes", defaultValue = "262144",
            description = "producer batch.size for the compression figures, as the augmenter's views-out (default: ${DEFAULT-VALUE})")
    int batchBytes;

    @Override
    public Integer call() throws Exception {
        Path out = doc != null ? doc : Repo.benchmarksDoc();
        double loadBefore = Machine.loadAverage();
        Fashion fashion = fashion(data);
        Image[] gray28 = fashion.images();
        Image[] rgb96 = AugmentCases.noiseRgb(1000, 96, 1);
        System.out.printf(Locale.ROOT, "gray28: %,d %s images; rgb96: 1,000 uniform-noise images%n", gray28.length, fashion.source());

        // 1. our ops, one thread
        List<AugmentCases.Case> cases = AugmentCases.all(gray28, rgb96, views28, views96, Math.max(1, views28 / 2),
                Math.max(1, views96 / 2));
        Map<String, double[]> wall = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (AugmentCases.Case c : cases) {
            Throughput.warmUp(c.work(), Math.max(1, c.views() / 20), warmupSeconds);
            wall.put(key(c.caseName(), c.what()), new double[trials]);
            cpu.put(key(c.caseName(), c.what()), new double[trials]);
        }
        // trials interleave the cases, and the peer's runs come between our trials, so that a burst of load on a
        // shared machine does not hit one case, or one side, only
        Path script = Peer.script(Repo.root(), "augment_bench.py");
        Map<String, List<Double>> peer = new LinkedHashMap<>();
        String peerEnv = "";
        int peerDone = 0;
        for (int t = 0; t < trials; t++) {
            for (AugmentCases.Case c : cases) {
                Throughput.Trial trial = Throughput.time(c.work(), c.views());
                wall.get(key(c.caseName(), c.what()))[t] = trial.perSecond();
                cpu.get(key(c.caseName(), c.what()))[t] = trial.perCpuSecond();
            }
            System.out.printf(Locale.ROOT, "trial %d/%d: gray28 %,.0f, rgb96 %,.0f, rgb96_full %,.0f views/s%n", t + 1, trials,
                    wall.get("gray28/pipeline")[t], wall.get("rgb96/pipeline")[t], wall.get("rgb96_full/pipeline")[t]);
            // spread the peer's runs over our trials: after trials 1, 1 + k, 1 + 2k, ...
            int every = Math.max(1, trials / Math.max(1, peerRuns));
            if (peerDone < peerRuns && t % every == 0) {
                peerEnv = runPeer(script, fashion.dir(), peer, ++peerDone);
            }
        }
        while (peerDone < peerRuns) {
            peerEnv = runPeer(script, fashion.dir(), peer, ++peerDone);
        }

        // 2. recipes through the whole augmenter
        List<List<String>> recipeRows = recipes(gray28, rgb96);

        // 3. Kafka bytes
        List<List<String>> byteRows = new ArrayList<>();
        byteRows.add(bytesRow("ssl.views.simclr", "28x28 gray (Fashion-MNIST)", gray28));
        byteRows.add(bytesRow("ssl.views.simclr", "96x96 RGB (uniform noise)", rgb96));
        byteRows.add(rawBytesRow(gray28));

        double loadAfter = Machine.loadAverage();

        // 5. the report
        List<List<String>> headline = new ArrayList<>();
        List<List<String>> ops = new ArrayList<>();
        Map<String, String> inputs = Map.of("gray28", "28x28x1 Fashion-MNIST", "rgb96", "96x96x3 noise", "rgb96_full", "96x96x3 noise");
        Map<String, String> pipelines = Map.of(
                "gray28", "crop 0.5-1, flip, jitter(b .4, c .4) p .8",
                "rgb96", "crop 0.5-1, flip, jitter(b .4, c .4) p .8",
                "rgb96_full", "crop 0.08-1, flip, jitter(.4, .4, .4, .1) p .8, grayscale .2");
        boolean goalMet = true;
        for (AugmentCases.Case c : cases) {
            String k = key(c.caseName(), c.what());
            double ours = Stats.median(wall.get(k));
            double oursCpu = Stats.median(cpu.get(k));
            List<Double> p = peer.get(k);
            double theirs = p == null ? Double.NaN : Stats.median(p.stream().mapToDouble(Double::doubleValue).toArray());
            double ratio = ours / theirs;
            if (c.what().equals("pipeline")) {
                boolean met = ratio >= GOAL_RATIO;
                goalMet &= met;
                headline.add(List.of(c.caseName(), inputs.get(c.caseName()), pipelines.get(c.caseName()), Report.n0(ours),
                        Report.n0(oursCpu), Report.n0(theirs), Report.ratio(ratio), met ? "met" : "**missed**"));
            } else {
                ops.add(List.of(c.caseName(), c.what().substring(3), Report.n0(ours), Report.n0(theirs), Report.ratio(ratio)));
            }
        }
        String command = String.format(Locale.ROOT, "./bench augment --trials %d --warmup-s %s --views28 %d --views96 %d "
                        + "--recipe-samples %d --peer-runs %d --peer-n28 %d --peer-n96 %d --peer-n-ops %d", trials,
                trim(warmupSeconds), views28, views96, recipeSamples, peerRuns, peerN28, peerN96, peerNOps);
        Report report = new Report("Augmentation: views per second per core, against torchvision", command)
                .paragraph(String.format(Locale.ROOT, """
                        One thread each. Ours: the augmenter's ops (`io.sslstream.augmenter.augment`) on uint8 HWC images, \
                        %d timed trials per case after %s s of warm-up, cases interleaved, median; %,d views per trial at \
                        28x28 and %,d at 96x96 (half as many per op). torchvision: `%s` (%s), float tensors, median of %d runs spread \
                        between our trials, of %,d views at 28x28, %,d at 96x96 and %,d per op. gray28 uses %s; rgb96 uniform noise \
                        (1,000 images cycled), as the peer. Goal: at least %.0fx torchvision per core. Load average %.2f \
                        before, %.2f after%s.""",
                        trials, trim(warmupSeconds), views28, views96, script.getFileName(), peerEnv, peerRuns, peerN28,
                        peerN96, peerNOps, fashion.source(), GOAL_RATIO, loadBefore, loadAfter,
                        loadAfter >= Runtime.getRuntime().availableProcessors()
                                ? ": this run was on a shared, busy machine (other builds running), so absolute rates are "
                                + "low and noisy; the ratios, with both sides timed in the same minutes, are the figures to read"
                                : " (about " + Runtime.getRuntime().availableProcessors() + " or more would mean the machine was busy)"))
                .table(List.of("case", "input", "ops (as the peer's pipeline)", "ours views/s", "ours views/CPU-s",
                        "torchvision views/s", "ours / torchvision", "goal " + trim(GOAL_RATIO) + "x"), headline)
                .paragraph("Per op (each op alone, always applied; ours on a copy of the input, as torchvision returns a new tensor; "
                        + "our pipelines fuse the flip into the resize, so it costs them nothing):")
                .table(List.of("case", "op", "ours views/s", "torchvision views/s", "ours / torchvision"), ops)
                .paragraph(String.format(Locale.ROOT, """
                        Each recipe through the whole augmenter, one thread: a `RawSample` record decoded (raw pixels, or \
                        a PNG decoded with ImageIO), the recipe (its defaults; simclr v1 is v2 with the float32 resize, byol v1 is v2 with the float32 blur), the \
                        `ViewSet` encoded; median of %d trials (recipes and inputs interleaved) of %,d samples (%,d at 96x96).""", trials, recipeSamples,
                        Math.max(1, recipeSamples / 5)))
                .table(List.of("recipe", "input", "views per set", "view sets/s", "views/s", "µs per sample"), recipeRows)
                .paragraph(String.format(Locale.ROOT, """
                        Kafka bytes per view: record values against the views' raw pixel bytes (goal: at most %.1fx before \
                        compression), and record batches as the producer builds them (Kafka's `MemoryRecordsBuilder`, \
                        batches of up to %,d bytes, the augmenter's `batch.size`), keys and record overhead included. \
                        Uniform noise does not compress; Fashion-MNIST does.""", GOAL_BYTES, batchBytes))
                .table(List.of("topic", "input", "pixel bytes per view", "value bytes per view", "value / pixels",
                        "batch, none", "batch, lz4", "batch, zstd"), byteRows);
        report.writeTo(out, "augment");
        System.out.println();
        System.out.println(report.markdown());
        System.out.printf("goal %.0fx torchvision at every size: %s; section written to %s%n", GOAL_RATIO, goalMet ? "met" : "MISSED", out);
        return 0;
    }

    /**
     * One run of the torchvision peer on the Fashion-MNIST folder ours read; adds its rates to {@code peer} and returns
     * its environment line.
     */
    private String runPeer(Path script, Path fashionDir, Map<String, List<Double>> peer, int run) throws Exception {
        System.out.printf("peer run %d/%d: %s%n", run, peerRuns, script);
        List<JsonNode> lines = Peer.run(script, List.of("--data", fashionDir.toString(), "--n28", Integer.toString(peerN28),
                "--n96", Integer.toString(peerN96), "--n-ops", Integer.toString(peerNOps)), Duration.ofMinutes(60));
        String env = "";
        for (JsonNode l : lines) {
            if (l.has("env")) {
                JsonNode e = l.get("env");
                env = "torch " + e.path("torch").asText() + ", torchvision " + e.path("torchvision").asText() + ", "
                        + e.path("num_threads").asInt() + " thread, " + e.path("executable").asText();
            } else if (l.has("views_per_s")) {
                peer.computeIfAbsent(key(l.get("case").asText(), l.get("what").asText()), k -> new ArrayList<>())
                        .add(l.get("views_per_s").asDouble());
            }
        }
        return env;
    }

    private List<List<String>> recipes(Image[] gray28, Image[] rgb96) throws Exception {
        List<MultiViewRecipe> all = List.of(Recipes.simclrV2(), Recipes.simclrV1(), Recipes.byolV2(), Recipes.byolV1(), Recipes.multicropV1(),
                Recipes.maeV1());
        Map<String, List<byte[]>> inputs = new LinkedHashMap<>();
        inputs.put("28x28 gray, raw pixels", records(gray28, false, recipeSamples));
        inputs.put("28x28 gray, PNG", records(gray28, true, recipeSamples));
        inputs.put("96x96 RGB, raw pixels", records(rgb96, false, recipeSamples));
        record Item(MultiViewRecipe recipe, String input, int samples, Throughput.Work work, double[] rates) {
        }
        List<Item> items = new ArrayList<>();
        for (MultiViewRecipe recipe : all) {
            Augmenter augmenter = new Augmenter(new SampleDecoder(1L << 24), List.of(recipe), 0);
            for (Map.Entry<String, List<byte[]>> in : inputs.entrySet()) {
                List<byte[]> records = in.getValue();
                // a 96x96 RGB sample is about 12 times the work of a 28x28 gray one
                int samples = in.getKey().startsWith("96") ? Math.max(1, recipeSamples / 5) : recipeSamples;
                Throughput.Work work = n -> {
                    long acc = 0;
                    for (int i = 0; i < n; i++) {
                        try {
                            acc += augmenter.augment(records.get(i % records.size())).outputs().get(0).viewSet().length;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return acc;
                };
                Throughput.warmUp(work, Math.max(1, samples / 20), Math.min(1.0, warmupSeconds));
                items.add(new Item(recipe, in.getKey(), samples, work, new double[trials]));
            }
        }
        // trials interleave the recipes and inputs, as the op cases above
        for (int t = 0; t < trials; t++) {
            for (Item item : items) {
                item.rates()[t] = Throughput.time(item.work(), item.samples()).perSecond();
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Item item : items) {
            double sets = Stats.median(item.rates());
            int views = item.recipe().views().size();
            rows.add(List.of(item.recipe().name() + " v" + item.recipe().version(), item.input(), Integer.toString(views),
                    Report.n0(sets), Report.n0(sets * views), Report.n1(1e6 / sets)));
            System.out.printf(Locale.ROOT, "%s v%d on %s: %,.0f view sets/s%n", item.recipe().name(), item.recipe().version(),
                    item.input(), sets);
        }
        return rows;
    }

    /** Encoded RawSamples of the images (cycled up to {@code n}), as raw pixels or PNG. */
    private static List<byte[]> records(Image[] images, boolean png, int n) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, Math.max(images.length, 1)) && i < 2000; i++) {
            Image img = images[i % images.length];
            String id = "bench/" + i;
            out.add(png ? new RawSample(id, "bench", "", SampleDecoder.PNG, 0, 0, 0, png(img)).encode()
                    : RawSample.pixels(id, "bench", "", img.height(), img.width(), img.channels(), img.pixels()).encode());
        }
        return out;
    }

    private static byte[] png(Image img) throws IOException {
        BufferedImage b = new BufferedImage(img.width(), img.height(),
                img.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        if (img.channels() == 1) {
            b.getRaster().setDataElements(0, 0, img.width(), img.height(), img.pixels());
        } else {
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    b.setRGB(x, y, img.at(y, x, 0) << 16 | img.at(y, x, 1) << 8 | img.at(y, x, 2));
                }
            }
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ImageIO.write(b, "png", o);
        return o.toByteArray();
    }

    /** The simclr view sets of up to 2,000 images, as records of {@code ssl.views.simclr}. */
    private List<String> bytesRow(String topic, String input, Image[] images) throws Exception {
        Augmenter augmenter = new Augmenter(new SampleDecoder(1L << 24), List.of(Recipes.simclrV2()), 0);
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        long pixels = 0;
        int views = 0;
        for (byte[] raw : records(images, false, 2000)) {
            var out = augmenter.augment(raw);
            keys.add(out.sampleId());
            values.add(out.outputs().get(0).viewSet());
            var set = io.sslstream.contracts.codec.ViewSet.decode(out.outputs().get(0).viewSet());
            for (var v : set.views()) {
                pixels += v.pixels().length;
                views++;
            }
        }
        return sizes(topic, input, keys, values, pixels, views);
    }

    /** The raw samples themselves, on {@code ssl.samples.raw}: one "view" per record. */
    private List<String> rawBytesRow(Image[] images) throws Exception {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = records(images, false, 2000);
        long pixels = 0;
        for (int i = 0; i < values.size(); i++) {
            keys.add("bench/" + i);
            pixels += images[i % images.length].pixels().length;
        }
        return sizes("ssl.samples.raw", "28x28 gray raw pixels (one image per record)", keys, values, pixels, values.size());
    }

    private List<String> sizes(String topic, String input, List<String> keys, List<byte[]> values, long pixels, int views) {
        long valueBytes = values.stream().mapToLong(v -> v.length).sum();
        RecordBytes.Batch none = RecordBytes.batches(keys, values, batchBytes, "none");
        RecordBytes.Batch lz4 = RecordBytes.batches(keys, values, batchBytes, "lz4");
        String zstd;
        try {
            zstd = perView(RecordBytes.batches(keys, values, batchBytes, "zstd").batchBytes(), views, pixels);
        } catch (RuntimeException | LinkageError e) {
            // zstd-jni is a native library: say so rather than fail the whole benchmark
            zstd = "n/a (" + e.getClass().getSimpleName() + ")";
        }
        double ratio = (double) valueBytes / pixels;
        return List.of(topic, input, Report.n1((double) pixels / views), Report.n1((double) valueBytes / views),
                Report.ratio(ratio) + (ratio <= GOAL_BYTES ? "" : " **over " + GOAL_BYTES + "x**"),
                perView(none.batchBytes(), views, pixels), perView(lz4.batchBytes(), views, pixels), zstd);
    }

    private static String perView(long bytes, int views, long pixels) {
        return String.format(Locale.ROOT, "%,.1f (%.2fx)", (double) bytes / views, (double) bytes / pixels);
    }

    private static String key(String caseName, String what) {
        return caseName + "/" + what;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The 28x28 images: the first 20,000 of Fashion-MNIST's training set, as the peer reads them, and their folder. */
    record Fashion(Image[] images, String source, Path dir) {
    }

    static Fashion fashion(Path dir) throws IOException {
        Path d = dir;
        String source = "Fashion-MNIST train[:20000]";
        if (!Files.isRegularFile(d.resolve("train-images-idx3-ubyte.gz")) && !Files.isRegularFile(d.resolve("train-images-idx3-ubyte"))) {
            d = Repo.root().resolve("testdata/fashion-mnist-subset");
            source = "the Fashion-MNIST test subset (train, 4,000 images; the full set was not found at " + dir + ")";
        }
        IdxFile idx = FashionMnist.read(d, "train", 20_000).images();
        Image[] images = new Image[idx.count()];
        for (int i = 0; i < images.length; i++) {
            images[i] = new Image(28, 28, 1, idx.item(i));
        }
        return new Fashion(images, source, d);
    }
}
