package io.sslstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.bench.augmenter.Inputs;
import io.sslstream.bench.augmenter.JfrSummary;
import io.sslstream.bench.augmenter.ServiceRun;
import io.sslstream.bench.augmenter.ThreadCpu;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ./bench augmenter}: the running augmenter service through Kafka, flat out. For each case a backlog of raw
 * samples is written to {@code ssl.samples.raw} on a local KRaft broker, then the service's runnable jar (its real
 * configuration) works through it; views per second, the augmenter's CPU seconds ({@code /proc/<pid>/stat}) and views
 * per CPU-second are measured over the backlog after a warm-up (see {@link ServiceRun}), with the CPU split by thread
 * and, with {@code --jfr}, by component. Peer in the same run: a PyTorch DataLoader with torchvision making the same
 * recipe's views from the same bytes ({@code benchmarks/peer/augmenter_dataloader.py}).
 */
@Command(name = "augmenter", mixinStandardHelpOptions = true,
        description = "The augmenter service through Kafka, flat out: views/s, CPU per view, against a PyTorch DataLoader.")
public class AugmenterBenchmark implements Callable<Integer> {

    /** A case: its input, the recipe, and how the peer reads the same bytes. */
    record Case(String name, String recipe, int viewsPerSet, String peerFormat, String peerShape, long samples, int peerSamples,
                String recipeText) {
    }

    static final Map<String, Case> CASES = new LinkedHashMap<>();

    static {
        add(new Case("fmnist-raw", "simclr", 2, "raw", "28,28,1", 400_000, 8_000,
                "simclr v2: 2 views, crop 0.5-1, flip, jitter(b .4, c .4) p .8"));
        add(new Case("fmnist-png", "simclr", 2, "png", null, 150_000, 6_000,
                "simclr v2 (as above), PNG decoded"));
        add(new Case("rgb96", "simclr", 2, "raw", "96,96,3", 100_000, 3_000,
                "simclr v2 (as above) at 96x96"));
        add(new Case("multicrop96", "multicrop", 6, "raw", "96,96,3", 20_000, 1_000,
                "multicrop v1: 2 global 96 (0.4-1) + 4 local 41 (0.05-0.4), flip, jitter(.4, .4, .2, .1) p .8, grayscale .2"));
        add(new Case("jpeg224", "byol", 2, "jpeg", null, 8_000, 400,
                "byol v2 (ImageNet-style): 2 views, crop 0.08-1, flip, jitter(.4, .4, .2, .1) p .8, grayscale .2, "
                        + "blur 23x23 (fixed point) p 1 / .1, solarize p 0 / .2; JPEG decoded"));
    }

    private static void add(Case c) {
        CASES.put(c.name(), c);
    }

    @Option(names = "--cases", split = ",", defaultValue = "fmnist-raw,fmnist-png,rgb96,multicrop96,jpeg224",
            description = "cases to run (default: ${DEFAULT-VALUE})")
    List<String> cases;

    @Option(names = "--samples", split = ",", description = "backlog per case, e.g. fmnist-raw=40000 (defaults: 400,000 / "
            + "150,000 / 100,000 / 20,000 / 8,000: windows of 10 to 30 s on a quiet 2-core machine, so that the JIT's "
            + "start-up work is a small part)")
    Map<String, Long> samples = new LinkedHashMap<>();

    @Option(names = "--scale", defaultValue = "1", description = "multiplies every backlog and peer sample count (default: ${DEFAULT-VALUE})")
    double scale;

    @Option(names = "--warmup", defaultValue = "0.3", description = "share of the backlog before the window (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--partitions", defaultValue = "4", description = "partitions of the raw and view topics, as the local stack (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--jar", description = "the augmenter's quarkus-run.jar (default: this repository's augmenter-service build)")
    Path jar;

    @Option(names = "--label", defaultValue = "this build", description = "name of --jar's rows (default: ${DEFAULT-VALUE})")
    String label;

    @Option(names = "--compare-jar", description = "another augmenter build to run before --jar in each case, e.g. a copy of "
            + "the previous commit's augmenter-service/target/quarkus-app")
    Path compareJar;

    @Option(names = "--compare-label", defaultValue = "before", description = "name of --compare-jar's rows (default: ${DEFAULT-VALUE})")
    String compareLabel;

    @Option(names = "--prop", split = ",", description = "extra augmenter configuration for --jar's runs, key=value")
    Map<String, String> props = new LinkedHashMap<>();

    @Option(names = "--replicas", split = ",", defaultValue = "1",
            description = "augmenter processes in the group, one row each value; above 1 each replica is pinned to a core "
                    + "with one worker (default: ${DEFAULT-VALUE})")
    List<Integer> replicas;

    @Option(names = "--jfr", description = "record a Flight Recorder profile of the first replica and summarise it")
    boolean jfr;

    @Option(names = "--peer-workers", split = ",", defaultValue = "1", description = "DataLoader worker counts (default: ${DEFAULT-VALUE})")
    List<Integer> peerWorkers;

    @Option(names = "--no-peer", description = "skip the PyTorch peer")
    boolean noPeer;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist", description = "Fashion-MNIST IDX folder (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--photos", description = "folder of JPEG photographs to cut into tiles (default: " + "/usr/share/backgrounds/mate/nature"
            + ", from apt-get install mate-backgrounds)")
    Path photos;

    @Option(names = "--timeout", defaultValue = "10m", description = "longest time one run may take (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--work", description = "folder for the broker, logs and profiles (default: var/bench/augmenter/<date-time>)")
    Path work;

    @Option(names = "--doc", description = "markdown file to write the section into (default: docs/benchmarks.md)")
    Path doc;

    @Option(names = "--section", defaultValue = "augmenter",
            description = "name of the section written (bench:NAME), so that groups of cases run separately keep theirs "
                    + "(default: ${DEFAULT-VALUE})")
    String section;

    @Override
    public Integer call() throws Exception {
        Path root = Repo.root();
        Path dir = work != null ? work : root.resolve("var/bench/augmenter/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path ours = jar != null ? jar : root.resolve("augmenter-service/target/quarkus-app/quarkus-run.jar");
        Path photoDir = photos != null ? photos : Inputs.DEBIAN_PHOTOS;
        double loadBefore = Machine.loadAverage();
        for (String c : cases) {
            if (!CASES.containsKey(c)) {
                System.err.println("unknown case " + c + "; cases: " + CASES.keySet());
                return 2;
            }
        }

        Map<String, Inputs.Payloads> inputs = inputs(photoDir);
        Map<String, Case> byName = new LinkedHashMap<>();
        Map<String, List<ServiceRun.Result>> results = new LinkedHashMap<>();
        Map<String, List<JsonNode>> peer = new LinkedHashMap<>();
        String peerEnv = "";
        ServiceRun runner = new ServiceRun(dir, partitions, System.out);
        for (String name : cases) {
            Case c = CASES.get(name);
            byName.put(name, c);
            long n = Math.round(samples.getOrDefault(name, c.samples()) * scale);
            List<ServiceRun.Result> rows = new ArrayList<>();
            for (int r : replicas) {
                String suffix = r > 1 ? ", " + r + " replicas" : "";
                if (compareJar != null) {
                    rows.add(measure(runner, new ServiceRun.Setup(compareLabel + suffix, compareJar, c.recipe(), Map.of(), r, jfr),
                            inputs.get(name), c, n));
                }
                rows.add(measure(runner, new ServiceRun.Setup(label + suffix, ours, c.recipe(), props, r, jfr), inputs.get(name), c, n));
            }
            results.put(name, rows);
            if (!noPeer) {
                peerEnv = runPeer(root, dir, c, inputs.get(name), peer);
            }
        }
        double loadAfter = Machine.loadAverage();
        Report report = report(inputs, byName, results, peer, peerEnv, loadBefore, loadAfter);
        Path file = doc != null ? doc : Repo.benchmarksDoc();
        report.writeTo(file, section);
        System.out.println(report.markdown());
        System.out.println("written to " + file + "; logs and profiles in " + dir);
        return 0;
    }

    private ServiceRun.Result measure(ServiceRun runner, ServiceRun.Setup setup, Inputs.Payloads in, Case c, long n) throws Exception {
        System.out.printf(Locale.ROOT, "%s, %s: %,d samples, recipe %s%n", c.name(), setup.label(), n, c.recipe());
        ServiceRun.Result r = runner.run(setup, in, "bench-" + c.name(), n, c.viewsPerSet(), warmup, timeout);
        System.out.printf(Locale.ROOT, "%s, %s: %,.0f views/s, %.2f cores, %,.0f views per CPU-s%n", c.name(), setup.label(),
                r.viewsPerSecond(), r.cores(), r.viewsPerCpuSecond());
        return r;
    }

    private Map<String, Inputs.Payloads> inputs(Path photoDir) throws Exception {
        Map<String, Inputs.Payloads> out = new LinkedHashMap<>();
        Set<String> wanted = new LinkedHashSet<>(cases);
        if (wanted.contains("fmnist-raw")) {
            out.put("fmnist-raw", Inputs.fashionPixels(data, 20_000));
        }
        if (wanted.contains("fmnist-png")) {
            out.put("fmnist-png", Inputs.fashionPng(data, 20_000));
        }
        if (wanted.contains("rgb96") || wanted.contains("multicrop96") || wanted.contains("jpeg224")) {
            List<BufferedImage> tiles = Inputs.photoTiles(photoDir, 224, 1000);
            String what = tiles.size() + " 224x224 tiles of the " + photoDir + " photographs at 1/2 and 1/4 size";
            if (wanted.contains("rgb96") || wanted.contains("multicrop96")) {
                Inputs.Payloads rgb = Inputs.rgbPixels(tiles, 96, what + ", scaled to 96x96, raw RGB pixels");
                out.put("rgb96", rgb);
                out.put("multicrop96", rgb);
            }
            if (wanted.contains("jpeg224")) {
                out.put("jpeg224", Inputs.jpeg(tiles, 0.9f, what + ", JPEG quality 90 (ImageIO, 4:2:0)"));
            }
        }
        return out;
    }

    private String runPeer(Path root, Path dir, Case c, Inputs.Payloads in, Map<String, List<JsonNode>> peer) throws Exception {
        Path file = dir.resolve("peer-" + c.name() + ".bin");
        in.writeTo(file);
        List<String> args = new ArrayList<>(List.of("--input", file.toString(), "--format", c.peerFormat(), "--recipe", c.recipe(),
                "--case", c.name(), "--samples", Long.toString(Math.round(c.peerSamples() * scale))));
        if (c.peerShape() != null) {
            args.addAll(List.of("--shape", c.peerShape()));
        }
        args.add("--workers");
        peerWorkers.forEach(w -> args.add(Integer.toString(w)));
        System.out.printf("%s, peer: %s%n", c.name(), String.join(" ", args));
        String env = "";
        for (JsonNode l : Peer.run(Peer.script(root, "augmenter_dataloader.py"), args, Duration.ofMinutes(30))) {
            if (l.has("env")) {
                JsonNode e = l.get("env");
                env = "torch " + e.path("torch").asText() + ", torchvision " + e.path("torchvision").asText() + ", Pillow "
                        + e.path("pil").asText() + ", " + e.path("executable").asText();
            } else if (l.has("views_per_s")) {
                peer.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(l);
            }
        }
        return env;
    }

    private Report report(Map<String, Inputs.Payloads> inputs, Map<String, Case> cases, Map<String, List<ServiceRun.Result>> results,
                          Map<String, List<JsonNode>> peer, String peerEnv, double loadBefore, double loadAfter) {
        StringBuilder command = new StringBuilder("./bench augmenter --cases " + String.join(",", cases.keySet()));
        if (!samples.isEmpty()) {
            command.append(" --samples ");
            List<String> s = new ArrayList<>();
            samples.forEach((k, v) -> s.add(k + "=" + v));
            command.append(String.join(",", s));
        }
        if (scale != 1) {
            command.append(" --scale ").append(trim(scale));
        }
        if (warmup != 0.3) {
            command.append(" --warmup ").append(trim(warmup));
        }
        if (partitions != 4) {
            command.append(" --partitions ").append(partitions);
        }
        if (jar != null) {
            command.append(" --jar ").append(jar);
        }
        if (!label.equals("this build")) {
            command.append(" --label '").append(label).append("'");
        }
        if (compareJar != null) {
            command.append(" --compare-jar ").append(compareJar).append(" --compare-label '").append(compareLabel).append("'");
        }
        if (!props.isEmpty()) {
            List<String> s = new ArrayList<>();
            props.forEach((k, v) -> s.add(k + "=" + v));
            command.append(" --prop ").append(String.join(",", s));
        }
        if (!replicas.equals(List.of(1))) {
            command.append(" --replicas ").append(String.join(",", replicas.stream().map(String::valueOf).toList()));
        }
        if (noPeer) {
            command.append(" --no-peer");
        } else if (!peerWorkers.equals(List.of(1))) {
            command.append(" --peer-workers ").append(String.join(",", peerWorkers.stream().map(String::valueOf).toList()));
        }
        if (jfr) {
            command.append(" --jfr");
        }
        if (!section.equals("augmenter")) {
            command.append(" --section ").append(section);
        }
        Report report = new Report("Augmenter service: views per second through Kafka, against a PyTorch DataLoader ("
                + String.join(", ", cases.keySet()) + ")", command.toString());
        report.paragraph(String.format(Locale.ROOT, """
                The augmenter service's runnable jar (`augmenter-service/target/quarkus-app`, its own JVM, -Xmx512m, its \
                `application.properties`: views out with acks=all, an idempotent producer with the build's default compression (none since 2026-12-03, lz4 before) unless `--prop` sets one, offsets committed only behind \
                stored outputs) against a KRaft broker in a JVM of its own (`kafka-local`'s `KafkaProcess`, a new one per run), topics of %d \
                partitions as the local stack's. Per run `ssl.samples.raw` is filled with the whole backlog \
                first; then the service starts and works through it flat out. The first %.0f%% of the backlog is the warm-up \
                (start-up, JIT); the window runs from there to the last view set stored (view topic end offsets, read every \
                %d ms). CPU is the process's user + system time from `/proc/<pid>/stat` over the window: *views per CPU-s* is \
                what a core buys, whatever else runs on the machine; *without JIT threads* leaves out the C1/C2 compiler \
                threads' CPU in the window, which a service running for hours pays once (the windows here are seconds long). Load average %.2f before, %.2f after: the machine \
                (2 cores) was shared with other work, so rates are noisy; per-CPU-second figures and ratios within a run are \
                the ones to read.""", partitions, 100 * warmup, ServiceRun.POLL_MS, loadBefore, loadAfter));
        report.paragraph("Peer, in the same run after each case: `benchmarks/peer/augmenter_dataloader.py` (" + peerEnv + "), a torch "
                + "`DataLoader` whose `Dataset` decodes the same payload bytes (PIL: libpng, libjpeg-turbo; raw pixels with "
                + "`Image.frombuffer`) and applies the same recipe's torchvision transforms on the PIL image, one call per view, "
                + "ending in `PILToTensor` (uint8, as our views), batches of 64, " + peerWorkers + " worker process(es) with one "
                + "libtorch thread; 4 batches of warm-up. Its CPU is the workers' (`/proc`) plus the main process's. It writes "
                + "nothing to Kafka: it is the work a trainer's input pipeline does in-process, against which ours adds a broker "
                + "round trip.");

        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, List<ServiceRun.Result>> e : results.entrySet()) {
            Case c = cases.get(e.getKey());
            Inputs.Payloads in = inputs.get(e.getKey());
            JsonNode p = bestPeer(peer.get(e.getKey()));
            for (ServiceRun.Result r : e.getValue()) {
                double peerPerCpu = p == null ? Double.NaN : p.path("views_per_cpu_s").asDouble(Double.NaN);
                rows.add(List.of(c.name(), r.label(), c.recipe(), String.format(Locale.ROOT, "%,d x %s", r.viewSets(), c.viewsPerSet()),
                        Report.n1(r.seconds()), Report.n0(r.viewsPerSecond()), Report.n2(r.cores()), Report.n0(r.viewsPerCpuSecond()),
                        Report.n0(r.views() / (r.augmenterCpu() - r.threads().getOrDefault(ThreadCpu.JIT, 0.0))),
                        Report.n1(1e6 * r.augmenterCpu() / r.views()), Report.n1(1e6 * r.brokerCpu() / r.views()),
                        p == null ? "-" : Report.n0(p.path("views_per_s").asDouble()) + " (" + p.path("workers").asInt() + " w)",
                        p == null ? "-" : Report.n0(peerPerCpu), p == null ? "-" : Report.ratio(r.viewsPerCpuSecond() / peerPerCpu)));
            }
        }
        report.table(List.of("case", "augmenter", "recipe", "view sets x views in the window", "window s", "views/s", "augmenter cores",
                "views per augmenter CPU-s", "the same without JIT threads", "augmenter CPU µs per view", "broker CPU µs per view", "peer views/s", "peer views per CPU-s",
                "ours / peer per CPU-s"), rows);

        List<List<String>> inputRows = new ArrayList<>();
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            Inputs.Payloads in = inputs.get(e.getKey());
            inputRows.add(List.of(e.getKey(), in.source(), Integer.toString(in.payloads().size()), Report.n0(in.meanBytes()),
                    e.getValue().recipeText()));
        }
        report.paragraph("Cases (the backlog cycles over the distinct payloads; every record has its own sample id, so its own seed and views):");
        report.table(List.of("case", "input", "distinct payloads", "mean payload bytes", "recipe (the augmenter's defaults; the peer's transforms match)"),
                inputRows);

        // where the CPU goes: by thread
        List<String> groups = new ArrayList<>();
        results.values().forEach(rs -> rs.forEach(r -> r.threads().forEach((k, v) -> {
            if (v > 0.005 * r.augmenterCpu() && !groups.contains(k)) {
                groups.add(k);
            }
        })));
        List<List<String>> threadRows = new ArrayList<>();
        for (Map.Entry<String, List<ServiceRun.Result>> e : results.entrySet()) {
            for (ServiceRun.Result r : e.getValue()) {
                List<String> row = new ArrayList<>(List.of(e.getKey(), r.label()));
                double total = r.threads().values().stream().mapToDouble(Double::doubleValue).sum();
                for (String g : groups) {
                    row.add(Report.pct(r.threads().getOrDefault(g, 0.0) / total));
                }
                threadRows.add(row);
            }
        }
        List<String> header = new ArrayList<>(List.of("case", "augmenter"));
        header.addAll(groups);
        report.paragraph("Where the augmenter's CPU goes, by thread (`/proc/<pid>/task/*/stat` over the window, grouped by thread name):");
        report.table(header, threadRows);

        if (jfr) {
            List<String> comps = new ArrayList<>();
            results.values().forEach(rs -> rs.forEach(r -> {
                if (r.profile() != null) {
                    r.profile().components().keySet().forEach(k -> {
                        if (!comps.contains(k)) {
                            comps.add(k);
                        }
                    });
                }
            }));
            List<List<String>> jfrRows = new ArrayList<>();
            for (Map.Entry<String, List<ServiceRun.Result>> e : results.entrySet()) {
                for (ServiceRun.Result r : e.getValue()) {
                    JfrSummary.Summary s = r.profile();
                    if (s == null) {
                        continue;
                    }
                    List<String> row = new ArrayList<>(List.of(e.getKey(), r.label(), Long.toString(s.samples())));
                    comps.forEach(k -> row.add(Report.pct(s.components().getOrDefault(k, 0.0))));
                    jfrRows.add(row);
                }
            }
            List<String> h = new ArrayList<>(List.of("case", "augmenter", "JFR samples"));
            h.addAll(comps);
            report.paragraph("Where the Java threads' CPU goes, by component (JFR `profile` settings, execution samples in the window; "
                    + "each sample goes to the component of its innermost frame outside the JDK; GC, JIT and native time are in the "
                    + "table above only):");
            report.table(h, jfrRows);
        }

        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, List<ServiceRun.Result>> e : results.entrySet()) {
            for (ServiceRun.Result r : e.getValue()) {
                notes.add(String.format(Locale.ROOT, "%s / %s: whole backlog committed %.1f s after the last view set was stored, %d dead letters",
                        e.getKey(), r.label(), r.commitLagSec(), r.deadLetters()));
            }
        }
        report.paragraph("Every input acknowledged: " + String.join("; ", notes) + ".");
        List<String> peerNotes = new ArrayList<>();
        peer.forEach((k, ls) -> ls.forEach(l -> peerNotes.add(String.format(Locale.ROOT, "%s %d worker(s): %,.0f views/s, %,.0f views per "
                        + "worker CPU-s, %,.0f per CPU-s with the main process", k, l.path("workers").asInt(), l.path("views_per_s").asDouble(),
                l.path("views_per_worker_cpu_s").asDouble(), l.path("views_per_cpu_s").asDouble()))));
        if (!peerNotes.isEmpty()) {
            report.paragraph("Peer runs: " + String.join("; ", peerNotes) + ".");
        }
        return report;
    }

    /** The peer run with one worker if there is one (per core), else the first. */
    private static JsonNode bestPeer(List<JsonNode> runs) {
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        return runs.stream().filter(r -> r.path("workers").asInt() == 1).findFirst().orElse(runs.get(0));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
