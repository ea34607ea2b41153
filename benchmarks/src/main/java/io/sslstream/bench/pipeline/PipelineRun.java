package io.sslstream.bench.pipeline;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import io.sslstream.trainer.TrainingLoop;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One configuration of the data path, run for a fixed time: a KRaft broker, the augmenter ({@code simclr} only) and
 * the trainer (SimCLR, small CNN), each the local stack's runnable jar in a JVM of its own, pinned to cores with
 * {@code taskset} when the configuration says so (the trainer's step thread, found by its name, possibly to a core of
 * its own, away from the trainer's consumer, decoding, HTTP and GC threads); a {@link PacedFeeder} ingests
 * Fashion-MNIST at a fixed rate. Every few seconds it reads the services' own metrics ({@code /q/metrics}), their processes' CPU time and the broker's end
 * offsets; the result is computed over the samples after the warm-up.
 */
final class PipelineRun {

    /**
     * How the processes share the machine.
     *
     * @param name              short name in the report
     * @param trainerCpus       {@code taskset -c} list of the trainer process, or null (any core)
     * @param trainerThreads    libtorch intra-op threads of the trainer
     * @param computeCpus       cores of the trainer's step thread alone (its other threads stay on {@code trainerCpus}),
     *                          or null (the step thread with the rest)
     * @param augmenterCpus     cores of the augmenter and the broker, or null
     * @param trainerProps      extra trainer configuration (levers)
     * @param augmenterProps    extra augmenter configuration (levers)
     * @param partitions        partitions of the raw and view topics
     */
    record Setup(String name, String trainerCpus, int trainerThreads, String computeCpus, String augmenterCpus,
                 Map<String, String> trainerProps, Map<String, String> augmenterProps, int partitions) {

        Setup with(String suffix, Map<String, String> trainer, Map<String, String> augmenter) {
            Map<String, String> t = new LinkedHashMap<>(trainerProps);
            t.putAll(trainer);
            Map<String, String> a = new LinkedHashMap<>(augmenterProps);
            a.putAll(augmenter);
            return new Setup(name + suffix, trainerCpus, trainerThreads, computeCpus, augmenterCpus, t, a, partitions);
        }

        Setup withPartitions(String suffix, int n) {
            return new Setup(name + suffix, trainerCpus, trainerThreads, computeCpus, augmenterCpus, trainerProps, augmenterProps, n);
        }

        /** How the learner is placed: configurations that share it share the standalone measurement. */
        String pinning() {
            return trainerCpus + "/" + trainerThreads + "/" + computeCpus;
        }
    }

    /** One reading; counters are cumulative since the services started. */
    record Point(double seconds, double trainerSamples, double steps, double waitSum, double waitCount, double stepSum,
                 double stepCount, double waitP50, double waitP95, double stepP50, double stepP95, double viewsOut,
                 double samplesIn, double augmenterCpu, double trainerCpu, double stepThreadsCpu, long rawEnd, long viewsEnd) {
    }

    private final Path home;
    private final Path work;
    private final Setup setup;
    private final int batch;
    private final PrintStream out;

    PipelineRun(Path home, Path work, Setup setup, int batch, PrintStream out) {
        this.home = home;
        this.work = work;
        this.setup = setup;
        this.batch = batch;
        this.out = out;
    }

    /**
     * Runs the configuration: {@code warmup} then {@code measure}, feeding {@code feedPerSecond} images per second.
     *
     * @return the readings, the first at the end of the warm-up
     */
    Measurement run(IdxFile images, double feedPerSecond, Duration warmup, Duration measure, Duration every)
            throws IOException, InterruptedException {
        Files.createDirectories(work.resolve("logs"));
        KafkaProcess kafka = KafkaProcess.start(work.resolve("kafka"), work.resolve("logs/kafka.log"), setup.partitions(), 512);
        List<ServiceProcess> services = new ArrayList<>();
        PacedFeeder feeder = null;
        Thread feed = null;
        try {
            // the broker, and this process (the feeder, the metric readings) go with the augmenter; in a shared
            // configuration everything may run anywhere
            String others = setup.augmenterCpus() != null ? setup.augmenterCpus() : Affinity.onlineCpus();
            Affinity.pinProcess(kafka.pid(), others);
            Affinity.pinProcess(ProcessHandle.current().pid(), others);
            String bootstrap = kafka.bootstrapServers();
            String views = Topics.views("simclr");
            TopicAdmin.ensureTopics(bootstrap, Map.of(Topics.SAMPLES_RAW, setup.partitions(), views, setup.partitions(),
                    Topics.SAMPLES_DLQ, 1, Topics.CHECKPOINTS, 1));

            Map<String, String> aug = new LinkedHashMap<>(Map.of("kafka.bootstrap.servers", bootstrap, "ssl.augmenter.active", "simclr"));
            aug.putAll(setup.augmenterProps());
            ServiceProcess augmenter = start("augmenter", setup.augmenterCpus(), List.of("-Xmx512m"), aug, Map.of());
            services.add(augmenter);

            Map<String, String> tr = new LinkedHashMap<>();
            tr.put("kafka.bootstrap.servers", bootstrap);
            tr.put("ssl.trainer.model-name", "bench-pipeline");
            tr.put("ssl.trainer.run-id", "pipeline-" + setup.name() + "-" + System.currentTimeMillis());
            tr.put("ssl.trainer.method", "simclr");
            tr.put("ssl.trainer.encoder", "small-cnn");
            tr.put("ssl.trainer.batch-size", Integer.toString(batch));
            tr.put("ssl.trainer.threads", Integer.toString(setup.trainerThreads()));
            tr.put("ssl.trainer.resume.enabled", "false");
            tr.put("ssl.trainer.checkpoint.every-steps", "100000000");
            tr.put("ssl.trainer.checkpoint.interval", "0");
            tr.put("ssl.trainer.checkpoint.on-shutdown", "false");
            tr.put("ssl.trainer.checkpoint.spool-dir", work.resolve("trainer/spool").toAbsolutePath().toString());
            tr.putAll(setup.trainerProps());
            ServiceProcess trainer = start("trainer", setup.trainerCpus(),
                    List.of("-Xmx1g", "-Dai.djl.pytorch.num_interop_threads=1"), tr, LocalProcesses.LIBTORCH_ENV);
            services.add(trainer);
            for (ServiceProcess s : services) {
                s.awaitReady(Duration.ofMinutes(3));
            }

            feeder = new PacedFeeder(bootstrap, images, feedPerSecond, 2 * batch);
            feed = new Thread(feeder, "paced-feeder");
            feed.setDaemon(true);
            feed.start();
            awaitFirstSteps(trainer, 2, Duration.ofMinutes(5));
            // the step thread and the OpenMP workers it started (which inherit its kernel name): the trainer's compute
            List<Long> stepThreads = Affinity.threads(trainer.pid(), TrainingLoop.THREAD_NAME);
            if (stepThreads.isEmpty()) {
                throw new IllegalStateException("no thread named '" + TrainingLoop.THREAD_NAME + "' in the trainer (pid " + trainer.pid() + ")");
            }
            if (setup.computeCpus() != null) {
                for (long tid : stepThreads) {
                    Affinity.pinThread(tid, setup.computeCpus());
                }
            }
            feeder.startPacing();
            long t0 = System.nanoTime();
            List<Point> points = new ArrayList<>();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                Map<TopicPartition, OffsetSpec> raw = latest(Topics.SAMPLES_RAW);
                Map<TopicPartition, OffsetSpec> viewTopic = latest(views);
                long end = t0 + warmup.plus(measure).toNanos();
                long next = t0;
                long warmEnd = t0 + warmup.toNanos();
                while (System.nanoTime() < end) {
                    next += every.toNanos();
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        TimeUnit.NANOSECONDS.sleep(sleep);
                    }
                    if (!augmenter.isAlive() || !trainer.isAlive()) {
                        throw new IllegalStateException((augmenter.isAlive() ? "trainer" : "augmenter") + " died; see " + work.resolve("logs"));
                    }
                    if (feeder.failure() != null) {
                        throw new IllegalStateException("ingestion failed: " + feeder.failure(), feeder.failure());
                    }
                    Point p = read((System.nanoTime() - t0) / 1e9, augmenter, trainer, stepThreads, admin, raw, viewTopic);
                    points.add(p);
                    out.printf("  %s %5.0f s | trainer %6.0f img/s, data wait p50 %5.1f ms | augmenter %6.0f view sets/s | view lag %6d%s%n",
                            setup.name(), p.seconds(), rate(points, Point::trainerSamples), p.waitP50() * 1e3,
                            rate(points, Point::viewsOut), p.viewsEnd() - (long) p.trainerSamples(),
                            System.nanoTime() < warmEnd ? " (warm-up)" : "");
                }
            }
            feeder.stop();
            feed.join(10_000);
            return new Measurement(setup, feedPerSecond, warmup.toSeconds(), points, viewBytesStored(work.resolve("kafka"), views));
        } finally {
            if (feeder != null) {
                feeder.stop();
            }
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).stop(Duration.ofSeconds(30));
            }
            kafka.stop();
            Affinity.pinProcess(ProcessHandle.current().pid(), Affinity.onlineCpus());
        }
    }

    /** Waits until the trainer has made {@code steps} steps (on the initial burst): its start-up is not part of the run. */
    private static void awaitFirstSteps(ServiceProcess trainer, int steps, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(Scrape.of(trainer.url("/q/metrics")).sum("ssl_trainer_steps_total") >= steps)) {
            if (System.nanoTime() > deadline || !trainer.isAlive()) {
                throw new IllegalStateException("the trainer made no " + steps + " steps in " + timeout.toSeconds() + " s; see " + trainer.log());
            }
            Thread.sleep(500);
        }
    }

    private static double rate(List<Point> points, java.util.function.ToDoubleFunction<Point> f) {
        if (points.size() < 2) {
            return Double.NaN;
        }
        Point a = points.get(points.size() - 2);
        Point b = points.get(points.size() - 1);
        return (f.applyAsDouble(b) - f.applyAsDouble(a)) / (b.seconds() - a.seconds());
    }

    private ServiceProcess start(String name, String cpus, List<String> jvm, Map<String, String> props, Map<String, String> env) {
        Path jar = home.resolve(name + "-service/target/quarkus-app/quarkus-run.jar");
        return ServiceProcess.start(name, jar, ServiceProcess.port(0), work.resolve(name), work.resolve("logs/" + name + ".log"),
                Affinity.launcher(cpus), jvm, props, env);
    }

    private Point read(double seconds, ServiceProcess augmenter, ServiceProcess trainer, List<Long> stepThreads, Admin admin,
                       Map<TopicPartition, OffsetSpec> raw, Map<TopicPartition, OffsetSpec> views) throws InterruptedException {
        Scrape t = Scrape.of(trainer.url("/q/metrics"));
        Scrape a = Scrape.of(augmenter.url("/q/metrics"));
        return new Point(seconds,
                t.sum("ssl_trainer_samples_seen_total"), t.sum("ssl_trainer_steps_total"),
                t.sum("ssl_trainer_data_wait_seconds_sum"), t.sum("ssl_trainer_data_wait_seconds_count"),
                t.sum("ssl_trainer_step_time_seconds_sum"), t.sum("ssl_trainer_step_time_seconds_count"),
                t.sum("ssl_trainer_data_wait_seconds", "quantile=\"0.5\""), t.sum("ssl_trainer_data_wait_seconds", "quantile=\"0.95\""),
                t.sum("ssl_trainer_step_time_seconds", "quantile=\"0.5\""), t.sum("ssl_trainer_step_time_seconds", "quantile=\"0.95\""),
                a.sum("ssl_augmenter_views_out_total"), a.sum("ssl_augmenter_samples_in_total"),
                CpuTime.seconds(augmenter.pid()), CpuTime.seconds(trainer.pid()), stepThreads.stream().mapToDouble(tid -> CpuTime.threadSeconds(trainer.pid(), tid)).sum(),
                endOffsets(admin, raw), endOffsets(admin, views));
    }

    private Map<TopicPartition, OffsetSpec> latest(String topic) {
        Map<TopicPartition, OffsetSpec> m = new HashMap<>();
        for (int p = 0; p < setup.partitions(); p++) {
            m.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return m;
    }

    private static long endOffsets(Admin admin, Map<TopicPartition, OffsetSpec> partitions) throws InterruptedException {
        try {
            return admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    /** Bytes of the view topic's segment files in the broker's log directory (record batches as the producer compressed them). */
    static long viewBytesStored(Path kafkaDir, String topic) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.walk(kafkaDir)) {
            for (Path f : files.filter(f -> f.getParent().getFileName().toString().startsWith(topic + "-")
                    && f.getFileName().toString().endsWith(".log")).toList()) {
                total += Files.size(f);
            }
        }
        return total;
    }
}
