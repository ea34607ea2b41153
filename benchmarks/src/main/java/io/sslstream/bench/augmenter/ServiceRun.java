package io.sslstream.bench.augmenter;

import io.sslstream.bench.pipeline.CpuTime;
import io.sslstream.cli.RawSampleLoader;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.contracts.Topics;
import io.sslstream.kafka.KafkaProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One measured run of the augmenter service on a broker of its own: the raw topic is filled with a backlog, then the
 * service's runnable jar starts (its real configuration: acks=all, idempotent producer, as in the local stack) and
 * works through it flat out. Every 100 ms the run reads the view topic's end offsets (view sets the broker stored) and
 * the CPU time of the augmenter's and the broker's processes. The first {@code warmup} of the backlog is the warm-up
 * (start-up, JIT); the window runs from there to the last view set stored; then it waits until the consumer group has
 * committed the whole backlog (every input acknowledged).
 */
public final class ServiceRun {

    /** The augmenter's consumer group (application.properties). */
    static final String GROUP = "ssl-augmenter";
    public static final long POLL_MS = 100;

    /**
     * What to run.
     *
     * @param label      variant name in the report (e.g. {@code this build}, {@code baseline})
     * @param jar        the augmenter's {@code quarkus-run.jar}
     * @param recipe     {@code ssl.augmenter.active}
     * @param props      further augmenter configuration
     * @param replicas   augmenter processes in the group; with more than one each is pinned to a core ({@code taskset})
     * @param jfr        record a Flight Recorder profile
     */
    public record Setup(String label, Path jar, String recipe, Map<String, String> props, int replicas, boolean jfr) {
    }

    /**
     * The window's numbers.
     *
     * @param viewSets      view sets stored in the window
     * @param views         views in them
     * @param seconds       the window's length
     * @param augmenterCpu  CPU seconds of the augmenter process(es) in the window
     * @param brokerCpu     CPU seconds of the broker in the window
     * @param threads       the augmenter's CPU seconds per thread group in the window (all replicas)
     * @param deadLetters   records in the dead-letter topic (expected 0)
     * @param commitLagSec  seconds from the last view set stored to the whole backlog committed
     * @param profile       the JFR summary, or null
     */
    public record Result(String label, long viewSets, long views, double seconds, double augmenterCpu, double brokerCpu,
                         Map<String, Double> threads, long deadLetters, double commitLagSec, JfrSummary.Summary profile) {

        public double viewsPerSecond() {
            return views / seconds;
        }

        public double viewsPerCpuSecond() {
            return views / augmenterCpu;
        }

        public double cores() {
            return augmenterCpu / seconds;
        }
    }

    private final Path work;
    private final int partitions;
    private final PrintStream out;
    private KafkaProcess kafka;

    public ServiceRun(Path work, int partitions, PrintStream out) {
        this.work = work;
        this.partitions = partitions;
        this.out = out;
    }

    /**
     * Fills {@code ssl.samples.raw} with {@code samples} records of {@code inputs} and has the service work through them.
     *
     * @param viewsPerSet views in one view set of the recipe
     * @param warmup      share of the backlog before the window starts
     */
    public Result run(Setup setup, Inputs.Payloads inputs, String dataset, long samples, int viewsPerSet, double warmup,
                      Duration timeout) throws IOException, InterruptedException {
        Path dir = work.resolve(setup.label().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + dataset);
        Files.createDirectories(dir);
        // a broker per run: nothing of an earlier run (topics, groups, page cache of its logs) is left to interfere
        kafka = KafkaProcess.start(dir.resolve("kafka"), dir.resolve("kafka.log"), partitions, 512);
        List<ServiceProcess> replicas = new ArrayList<>();
        Path jfrFile = dir.resolve("augmenter.jfr");
        String bootstrap = kafka.bootstrapServers();
        String viewTopic = Topics.views(setup.recipe());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            createTopics(admin, List.of(Topics.SAMPLES_RAW, viewTopic, Topics.SAMPLES_DLQ));
            fill(bootstrap, inputs, dataset, samples);
            for (int r = 0; r < setup.replicas(); r++) {
                replicas.add(start(setup, dir, r, bootstrap, jfrFile));
            }
            long warmSets = (long) Math.ceil(samples * warmup);
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            Mark start = null;
            Mark end = null;
            long lastPrint = t0;
            while (end == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(setup.label() + ": " + stored(admin, viewTopic) + " of " + samples
                            + " view sets after " + timeout.toSeconds() + " s; see " + dir);
                }
                for (ServiceProcess s : replicas) {
                    if (!s.isAlive()) {
                        throw new IllegalStateException("the augmenter died; end of " + s.log() + ":\n" + s.tail(30));
                    }
                }
                long sets = stored(admin, viewTopic);
                long dead = stored(admin, Topics.SAMPLES_DLQ);
                if (start == null && sets >= warmSets) {
                    start = mark(sets, replicas);
                } else if (start != null && sets + dead >= samples) {
                    end = mark(sets, replicas);
                }
                if (System.nanoTime() - lastPrint > 5e9) {
                    lastPrint = System.nanoTime();
                    out.printf("  %s %s: %,d / %,d view sets stored (%.0f s)%n", setup.label(), dataset, sets, samples,
                            (lastPrint - t0) / 1e9);
                }
                if (end == null) {
                    Thread.sleep(POLL_MS);
                }
            }
            double commitLag = awaitCommitted(admin, samples, Duration.ofSeconds(60));
            long dead = stored(admin, Topics.SAMPLES_DLQ);
            for (ServiceProcess s : replicas) {
                s.stop(Duration.ofSeconds(30));
            }
            JfrSummary.Summary profile = setup.jfr() && Files.exists(jfrFile) ? JfrSummary.read(jfrFile, start.at(), end.at()) : null;
            double seconds = (end.nanos() - start.nanos()) / 1e9;
            long sets = end.viewSets() - start.viewSets();
            return new Result(setup.label(), sets, sets * viewsPerSet, seconds, end.augmenterCpu() - start.augmenterCpu(),
                    end.brokerCpu() - start.brokerCpu(), ThreadCpu.minus(end.threads(), start.threads()), dead, commitLag, profile);
        } finally {
            for (ServiceProcess s : replicas) {
                s.stop(Duration.ofSeconds(30));
            }
            kafka.stop();
            deleteTree(dir.resolve("kafka"));
        }
    }

    /** The broker's data of a finished run (view topics of large images take hundreds of MB). */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A point in time of the run. */
    private record Mark(long nanos, Instant at, long viewSets, double augmenterCpu, double brokerCpu, Map<String, Double> threads) {
    }

    private Mark mark(long viewSets, List<ServiceProcess> replicas) {
        long nanos = System.nanoTime();
        Instant at = Instant.now();
        double cpu = 0;
        Map<String, Double> threads = new LinkedHashMap<>();
        for (ServiceProcess s : replicas) {
            cpu += CpuTime.seconds(s.pid());
            ThreadCpu.read(s.pid()).forEach((k, v) -> threads.merge(k, v, Double::sum));
        }
        return new Mark(nanos, at, viewSets, cpu, CpuTime.seconds(kafka.pid()), threads);
    }

    private ServiceProcess start(Setup setup, Path dir, int replica, String bootstrap, Path jfrFile) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("ssl.augmenter.active", setup.recipe());
        props.putAll(setup.props());
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        if (setup.jfr() && replica == 0) {
            jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfrFile.toAbsolutePath());
        }
        List<String> launcher = List.of();
        if (setup.replicas() > 1) {
            int cores = Runtime.getRuntime().availableProcessors();
            launcher = List.of("taskset", "-c", Integer.toString(replica % cores));
            // one worker per replica's core
            props.putIfAbsent("ssl.augmenter.workers", "1");
        }
        return ServiceProcess.start("augmenter-" + replica, setup.jar(), ServiceProcess.port(0), dir.resolve("augmenter-" + replica),
                dir.resolve("augmenter-" + replica + ".log"), launcher, jvm, props, Map.of());
    }

    /** Creates the topics: {@code partitions} each, the dead-letter topic 1. */
    private void createTopics(Admin admin, List<String> topics) throws InterruptedException {
        try {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, t.equals(Topics.SAMPLES_DLQ) ? 1 : partitions, (short) 1)).toList())
                    .all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create " + topics, e);
        }
    }

    /**
     * Writes the backlog with the bulk loader's producer settings and waits until the broker stored all of it; one
     * request in flight and long timeouts, as a freshly started broker on a busy machine can be slow to answer (this is
     * the set-up, not what is measured).
     */
    private void fill(String bootstrap, Inputs.Payloads inputs, String dataset, long samples) throws IOException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        Map<String, Object> config = new HashMap<>(RawSampleLoader.producerConfig(bootstrap));
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-augmenter-fill");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (long n = 0; n < samples && failure.get() == null; n++) {
                var s = inputs.sample(dataset, n);
                producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, s.sampleId(), s.encode()), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IOException("the broker refused a raw sample: " + failure.get(), failure.get());
        }
        out.printf("  %s: %,d raw samples in ssl.samples.raw (%.1f s)%n", dataset, samples, (System.nanoTime() - t0) / 1e9);
    }

    /** Records in {@code topic} (the sum of its partitions' end offsets; nothing is deleted during a run). */
    private static long stored(Admin admin, String topic) throws InterruptedException {
        try {
            var desc = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            desc.partitions().forEach(p -> spec.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(spec).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** Seconds until the group's committed offsets on the raw topic add up to {@code samples}. */
    private static double awaitCommitted(Admin admin, long samples, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < timeout.toNanos()) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long sum = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.SAMPLES_RAW) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
                if (sum >= samples) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // not yet
            }
            Thread.sleep(POLL_MS);
        }
        throw new IllegalStateException("the consumer group did not commit all " + samples + " inputs within " + timeout.toSeconds() + " s");
    }
}
