package io.sslstream.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.bench.trainer.Probes;
import io.sslstream.bench.trainer.Views;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import io.sslstream.model.Engines;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./bench replicas}: one run on one trainer process with 2 libtorch threads against the same run on 2 trainer
 * replicas with 1 thread each (DiLoCo over the sync topic), at an equal number of images, for several H (local steps
 * per round). Real trainer jars on a real broker, the views made once by the augmenter's recipe classes; the final
 * checkpoint of each run is scored by the evaluator's protocols (linear, linear@100, kNN). Reports wall time, rounds,
 * sync time per round (from sending the pseudo-gradient until the outer step, the wait for the slower replica
 * included), bytes per round against the model's size, and the accuracy differences.
 */
@Command(name = "replicas", mixinStandardHelpOptions = true,
        description = "1 trainer x 2 threads against 2 DiLoCo replicas x 1 thread at equal images, for several H.")
public class ReplicasBenchmark implements Callable<Integer> {

    @Option(names = "--every", split = ",", defaultValue = "25,100,400", description = "H values (default: ${DEFAULT-VALUE})")
    List<Integer> everies;

    @Option(names = "--steps", defaultValue = "400",
            description = "steps of each of the 2 replicas (the single trainer takes twice as many); a multiple of every H (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "images per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--timeout", defaultValue = "120s", description = "sync.timeout of the replicas (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--eval-train", defaultValue = "10000", description = "labelled train images the probes fit on (default: ${DEFAULT-VALUE})")
    int evalTrain;

    @Option(names = "--eval-test", defaultValue = "10000", description = "test images the probes score (default: ${DEFAULT-VALUE})")
    int evalTest;

    @Option(names = "--data", description = "Fashion-MNIST folder (default: /usr/share/datasets/fashion-mnist, else testdata)")
    Path data;

    @Option(names = "--work", description = "folder for logs and spools (default: var/bench/replicas)")
    Path work;

    @Option(names = "--doc", description = "file whose section bench:replicas is written (default: docs/benchmarks.md)")
    Path doc;

    static final Pattern ROUND = Pattern.compile("round (\\d+): members \\[([0-9, ]*)] \\((\\w+)\\), sync ([0-9.]+) s, (\\d+) KiB sent");
    static final InputSpec INPUT = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));

    /** One configuration's outcome. */
    record Run(String name, int replicas, int threads, int every, long images, double wallSeconds, int rounds, double medianSyncSeconds,
               double syncShare, long bytesPerRound, long elements, int leftOut, double loss, Map<String, Double> accuracy) {
    }

    @Override
    public Integer call() throws Exception {
        for (int h : everies) {
            if (steps % h != 0) {
                throw new IllegalArgumentException("--steps " + steps + " is not a multiple of H " + h + ": the last round would not end at the run's end");
            }
        }
        Path repo = Repo.root();
        Path dataDir = data != null ? data : Views.defaultData(repo);
        Path dir = (work != null ? work : repo.resolve("var/bench/replicas")).resolve(Long.toString(System.currentTimeMillis()));
        Files.createDirectories(dir);
        long images = 2L * steps * batch;
        FashionMnist.Split train = FashionMnist.read(dataDir, "train", 60_000);
        if (images > train.count()) {
            throw new IllegalArgumentException(images + " images needed (2 x --steps x --batch), " + train.count() + " in " + dataDir);
        }
        Probes.Labelled labelledTrain = Probes.Labelled.of(FashionMnist.read(dataDir, "train", evalTrain));
        Probes.Labelled labelledTest = Probes.Labelled.of(FashionMnist.read(dataDir, "t10k", evalTest));
        List<Run> runs = new ArrayList<>();
        try (InProcessKafka kafka = InProcessKafka.start()) {
            String topic = Topics.views("simclr");
            TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of(topic, 2, Topics.SAMPLES_DLQ, 1));
            produceViews(kafka.bootstrapServers(), topic, train, (int) images);
            runs.add(run("1 x 2 threads", 1, 2, 0, 2 * steps, kafka, dir, labelledTrain, labelledTest));
            for (int h : everies) {
                runs.add(run("2 x 1 thread, H " + h, 2, 1, h, steps, kafka, dir, labelledTrain, labelledTest));
            }
        }
        report(runs, images, dataDir);
        return 0;
    }

    /** The first {@code n} training images, one simclr view set each, alternately into the topic's two partitions. */
    private static void produceViews(String bootstrap, String topic, FashionMnist.Split train, int n) throws Exception {
        var recipe = Views.recipe("simclr");
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "20"), new StringSerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                var views = Views.of(recipe, train, i, 42);
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, i % 2, views.sampleId(), views.encode());
                r.headers().add(new RecordHeader(Topics.HEADER_DATASET, "fashion-mnist".getBytes(StandardCharsets.UTF_8)));
                p.send(r);
                if ((i + 1) % 10_000 == 0 || i + 1 == n) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("views %,d of %,d (%.0f/s, ETA %.0f s)%n", i + 1, n, (i + 1) / secs, (n - i - 1) / ((i + 1) / secs));
                }
            }
            p.flush();
        }
    }

    private Run run(String name, int replicas, int threads, int every, int stepsPerReplica, InProcessKafka kafka, Path dir,
                    Probes.Labelled labelledTrain, Probes.Labelled labelledTest) throws Exception {
        String runId = "bench-" + name.replaceAll("[^a-z0-9]+", "-");
        System.out.printf("%n%s: %d replica(s) x %d thread(s), %d steps each%s%n", name, replicas, threads, stepsPerReplica,
                every > 0 ? ", H " + every : "");
        List<ServiceProcess> trainers = new ArrayList<>();
        Path spool0 = dir.resolve(runId + "-0/spool");
        long t0 = System.nanoTime();
        for (int i = 0; i < replicas; i++) {
            Path jar = Repo.root().resolve("trainer-service/target/quarkus-app/quarkus-run.jar");
            ServiceProcess.Builder b = ServiceProcess.builder("trainer " + runId + "-" + i, jar, ServiceProcess.freePort(),
                            dir.resolve(runId + "-" + i + ".log"))
                    .jvmOptions("-Xmx1g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + threads,
                            "-Dai.djl.pytorch.num_interop_threads=1")
                    .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                    .property("ssl.trainer.run-id", runId)
                    .property("ssl.trainer.batch-size", Integer.toString(batch))
                    .property("ssl.trainer.threads", Integer.toString(threads))
                    .property("ssl.trainer.max-steps", Integer.toString(stepsPerReplica))
                    .property("ssl.trainer.optim.schedule.total-steps", Integer.toString(stepsPerReplica))
                    .property("ssl.trainer.resume.enabled", "false")
                    .property("ssl.trainer.checkpoint.every-steps", Integer.toString(stepsPerReplica))
                    .property("ssl.trainer.checkpoint.interval", "0")
                    .property("ssl.trainer.checkpoint.spool-dir", dir.resolve(runId + "-" + i + "/spool").toString())
                    .property("ssl.trainer.checkpoint.registry-url", "http://localhost:1") // none: the checkpoint stays in the spool
                    .property("ssl.trainer.log-every-steps", "50")
                    .env(LocalProcesses.LIBTORCH_ENV);
            if (replicas > 1) {
                b.property("ssl.trainer.replicas", Integer.toString(replicas))
                        .property("ssl.trainer.replica-id", Integer.toString(i))
                        .property("ssl.trainer.sync.every", Integer.toString(every))
                        .property("ssl.trainer.sync.timeout", timeout.toMillis() + "ms");
            }
            trainers.add(b.start());
        }
        try {
            for (ServiceProcess t : trainers) {
                t.awaitReady(Duration.ofMinutes(3));
            }
            long lastPrint = 0;
            while (true) {
                boolean done = true;
                for (ServiceProcess t : trainers) {
                    if (!t.isAlive()) {
                        throw new IllegalStateException(t.name() + " died; see " + t.log());
                    }
                    JsonNode s = t.get("/api/v1/status", Duration.ofSeconds(10)).map(x -> Json.read(x, JsonNode.class)).orElse(null);
                    if (s != null && "failed".equals(s.path("state").asText())) {
                        throw new IllegalStateException(t.name() + " failed: " + s.path("error").asText());
                    }
                    done &= s != null && "stopped".equals(s.path("state").asText());
                    if (System.nanoTime() - lastPrint > 30e9 && s != null) {
                        System.out.printf("  %s: step %d of %d, loss %s, %s%n", t.name(), s.path("step").asLong(), stepsPerReplica,
                                s.path("loss").asText("-"), s.path("sync").isObject() ? "round " + s.path("sync").path("round").asLong() : "");
                    }
                }
                if (System.nanoTime() - lastPrint > 30e9) {
                    lastPrint = System.nanoTime();
                }
                if (done) {
                    break;
                }
                Thread.sleep(1_000);
            }
        } finally {
            for (ServiceProcess t : trainers) {
                t.stop(Duration.ofSeconds(60));
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Path checkpoint;
        try (Stream<Path> files = Files.list(spool0)) {
            checkpoint = files.filter(f -> f.getFileName().toString().endsWith(".ckpt.zip"))
                    .max(Comparator.comparing(f -> f.getFileName().toString())).orElseThrow(() ->
                            new IllegalStateException("no checkpoint in " + spool0));
        }
        CheckpointManifest m = CheckpointArchive.readManifest(checkpoint);
        String log = Files.readString(trainers.get(0).log());
        List<Double> syncs = new ArrayList<>();
        long bytes = 0;
        int leftOut = 0;
        for (ServiceProcess t : trainers) {
            Matcher x = ROUND.matcher(Files.readString(t.log()));
            while (x.find()) {
                syncs.add(Double.parseDouble(x.group(4)));
                bytes = Long.parseLong(x.group(5)) * 1024;
                if (x.group(2).split(",").length < replicas) {
                    leftOut++;
                }
            }
        }
        double medianSync = syncs.isEmpty() ? 0 : Stats.median(syncs.stream().mapToDouble(Double::doubleValue).toArray());
        double syncShare = syncs.isEmpty() ? 0 : syncs.stream().mapToDouble(Double::doubleValue).sum() / replicas / trainingSeconds(log, wall);
        Map<String, Double> acc = new java.util.LinkedHashMap<>();
        try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
            Block encoder = Encoders.create(m.architecture());
            encoder.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            CheckpointArchive.loadParameters(checkpoint, CheckpointArchive.ENCODER, encoder, manager);
            FeatureMatrix f = Probes.features(encoder, INPUT, manager, labelledTrain);
            FeatureMatrix g = Probes.features(encoder, INPUT, manager, labelledTest);
            for (ProtocolResult r : Probes.run(name, f, labelledTrain, g, labelledTest)) {
                acc.put(r.protocol(), r.accuracy());
            }
        }
        long elements = bytes / 2;
        Double loss = m.metrics().get(CheckpointManifest.Metrics.LOSS);
        Run r = new Run(name, replicas, (int) Math.max(1, 2 / replicas), every, m.samplesSeen(), wall, syncs.size() / Math.max(1, replicas),
                medianSync, syncShare, bytes, elements, leftOut, loss == null ? Double.NaN : loss, acc);
        System.out.printf("%s: %d images in %.0f s, step %d, loss %.3f, linear %.4f, knn@20 %.4f, sync median %.2f s (%.1f%% of training)%n",
                name, m.samplesSeen(), wall, m.step(), r.loss(), acc.getOrDefault("linear", Double.NaN), acc.getOrDefault("knn@20", Double.NaN),
                medianSync, 100 * syncShare);
        return r;
    }

    /** Seconds from the first training log line to the last (start-up excluded), or the wall time. */
    private static double trainingSeconds(String log, double wall) {
        Matcher x = Pattern.compile("(?m)^\\S+ (\\d\\d):(\\d\\d):(\\d\\d),(\\d{3}) .*(?:step \\d+ loss|round \\d+:)").matcher(log);
        double first = -1;
        double last = -1;
        while (x.find()) {
            double t = Integer.parseInt(x.group(1)) * 3600 + Integer.parseInt(x.group(2)) * 60 + Integer.parseInt(x.group(3))
                    + Integer.parseInt(x.group(4)) / 1000.0;
            if (first < 0) {
                first = t;
            }
            last = t;
        }
        return last > first ? last - first : wall;
    }

    private void report(List<Run> runs, long images, Path dataDir) throws Exception {
        Run single = runs.get(0);
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            double lin = r.accuracy().getOrDefault("linear", Double.NaN);
            double knn = r.accuracy().getOrDefault("knn@20", Double.NaN);
            rows.add(List.of(r.name(), String.format(Locale.ROOT, "%,d", r.images()), Report.pct(lin),
                    Report.pct(r.accuracy().getOrDefault("linear@100", Double.NaN)), Report.pct(knn),
                    r == single ? "-" : String.format(Locale.ROOT, "%+.1f", 100 * (lin - single.accuracy().getOrDefault("linear", Double.NaN))),
                    r == single ? "-" : String.format(Locale.ROOT, "%+.1f", 100 * (knn - single.accuracy().getOrDefault("knn@20", Double.NaN))),
                    Report.n0(r.wallSeconds()), r.replicas() > 1 ? Integer.toString(r.rounds()) : "-",
                    r.replicas() > 1 ? Report.n2(r.medianSyncSeconds()) : "-",
                    r.replicas() > 1 ? String.format(Locale.ROOT, "%.1f%%", 100 * r.syncShare()) : "-",
                    r.replicas() > 1 ? String.format(Locale.ROOT, "%,d", r.bytesPerRound() / 1024) : "-",
                    r.replicas() > 1 ? Integer.toString(r.leftOut()) : "-"));
        }
        long bytesPerRound = runs.stream().mapToLong(Run::bytesPerRound).max().orElse(0);
        long elements = bytesPerRound / 2;
        Report report = new Report("Trainer replicas (DiLoCo over Kafka)", "./bench replicas --every "
                + String.join(",", everies.stream().map(String::valueOf).toList()) + " --steps " + steps + " --batch " + batch
                + " --eval-train " + evalTrain + " --eval-test " + evalTest);
        report.paragraph(String.format(Locale.ROOT, """
                SimCLR on the small CNN, Fashion-MNIST (%s), %,d images (one pass over the first %,d, the same view set of each
                image for every run, made once by the augmenter's simclr recipe), batch %d, AdamW lr 1e-3 with a cosine over each
                trainer's own steps. "1 x 2 threads" is one trainer with 2 libtorch threads taking %d steps; "2 x 1 thread" is two
                replicas of one run with 1 thread each, %d steps each, synchronised every H steps (outer Nesterov lr 0.7, momentum
                0.9), each reading one of the view topic's two partitions. Real trainer jars and a real broker (in the benchmark's
                JVM); the final checkpoint (the leader's for replicas) is scored by the evaluator's protocols on %,d labelled train and
                %,d test images. Sync is from sending the pseudo-gradient until the outer step is applied, so it includes the wait
                for the slower replica; its share is of the training time (first to last training log line). Bytes per round are
                what one replica sends (FP16, %,d synced values: encoder, projection head and BatchNorm statistics).
                """, dataDir, images, images, batch, 2 * steps, steps, evalTrain, evalTest, elements));
        report.table(List.of("run", "images", "linear", "linear@100", "knn@20", "Δ linear (pts)", "Δ knn@20 (pts)", "wall s",
                "rounds", "sync s (median)", "sync share", "KiB per round", "rounds left out"), rows);
        // the same protocol at ResNet-18's size: every replica sends its pseudo-gradient once and reads all N
        double resnetBytes = 11_689_512 * 2.0; // ResNet-18's parameters (torchvision's count, fc included), FP16
        int n = 8;
        report.paragraph(String.format(Locale.ROOT, """
                On paper, 8 GPU replicas of ResNet-18 (11.7 M parameters, %.1f MB per pseudo-gradient in FP16): per round each
                replica sends %.1f MB and reads all 8 (%.0f MB); at 1 Gbit/s that is %.1f s per replica, at 10 Gbit/s %.2f s. The
                broker, which fans every pseudo-gradient out to every replica, sends 8 x 8 = 64 of them (%.2f GB) per round: %.0f s
                of a 1 Gbit/s broker link, %.1f s at 10 Gbit/s, so at 8 replicas its network, not the replicas', bounds the round,
                and H must keep a round's steps well above that (at 0.1 s per GPU step, H = 500 is 50 s of training).
                """, resnetBytes / 1e6, resnetBytes / 1e6, n * resnetBytes / 1e6, (n + 1) * resnetBytes * 8 / 1e9,
                (n + 1) * resnetBytes * 8 / 1e10, n * n * resnetBytes / 1e9, n * n * resnetBytes * 8 / 1e9, n * n * resnetBytes * 8 / 1e10));
        Path file = doc != null ? doc : Repo.root().resolve("docs/benchmarks.md");
        report.writeTo(file, "replicas");
        System.out.println("\n" + report.markdown());
        System.out.println("written to " + file);
    }
}
