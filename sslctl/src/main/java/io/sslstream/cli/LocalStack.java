package io.sslstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The whole platform on one machine: a real Kafka broker (KRaft, its own JVM) and the four services, each
 * in its own JVM with its log in one folder. Used by {@code sslctl stack} and by the end-to-end test, so the
 * path a user runs is the path CI tests. Once everything is ready a {@link Supervisor} restarts any process that
 * dies (or fails its liveness check), as Kubernetes would, until {@link #close()} stops them all.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * @param home            repository root (where the services' {@code target/quarkus-app} folders are)
     * @param work            folder of this run: broker data, registry data, trainer spool, {@code logs/}
     * @param dataDir         Fashion-MNIST IDX files
     * @param model           registry model name
     * @param batchSize       trainer images per step
     * @param checkpointEvery trainer steps between checkpoints
     * @param checkpointInterval a checkpoint also after this long without one ({@code ZERO}: by steps only)
     * @param trainerThreads  libtorch intra-op threads of the trainer
     * @param evalMaxTrain    labelled training images the evaluator fits its probes on
     * @param evalMaxTest     test images the evaluator scores on
     * @param partitions      partitions of the raw and view topics
     */
    public record Options(Path home, Path work, Path dataDir, String model, int batchSize, int checkpointEvery,
                          Duration checkpointInterval, int trainerThreads, int evalMaxTrain, int evalMaxTest, int partitions) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Options options;
    private final PrintStream out;
    private KafkaProcess kafka;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private RegistryClient registry;
    private final Supervisor supervisor;
    private final Map<String, Map<String, String>> extraProperties = new LinkedHashMap<>();
    private int trainerReplicas = 1;
    /**
     * The recipe the augmenter runs and the trainer reads ({@code ssl.views.<recipe>}): the method's, by default the
     * trainer service's own default method's.
     */
    private String recipe = StackMethods.recipe(StackMethods.TRAINER_DEFAULT);

    public LocalStack(Options options, PrintStream out) {
        this(options, out, Supervisor.Policy.local());
    }

    public LocalStack(Options options, PrintStream out, Supervisor.Policy restarts) {
        this.options = options;
        this.out = out;
        this.supervisor = new Supervisor(restarts, out);
    }

    /**
     * Extra configuration for one service ({@code registry}, {@code augmenter}, {@code trainer}, {@code eval}), on top
     * of the stack's own; call before {@link #start()}. Fault tests use it for {@code ssl.failpoints}.
     */
    public LocalStack withProperties(String service, Map<String, String> properties) {
        extraProperties.computeIfAbsent(service, k -> new LinkedHashMap<>()).putAll(properties);
        return this;
    }

    /**
     * Trains the run on {@code n} trainer replicas synchronised with DiLoCo (docs/architecture.md, "Trainer replicas");
     * call before {@link #start()}. Replica 0 is the service {@code trainer}, the others {@code trainer-1} and on, each
     * with its own spool and port; the view topic gets at least {@code n} partitions.
     */
    public LocalStack withTrainerReplicas(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--replicas must be at least 1, got " + n);
        }
        trainerReplicas = n;
        return this;
    }

    /** Names of the trainer processes: {@code trainer}, then {@code trainer-1}... */
    public List<String> trainers() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < trainerReplicas; i++) {
            names.add(i == 0 ? "trainer" : "trainer-" + i);
        }
        return names;
    }

    /**
     * The SSL method the trainer runs ({@code ssl.trainer.method}); the augmenter runs that method's recipe (its only
     * one, so that no CPU goes to views nobody reads) and the trainer reads its topic. Call before {@link #start()}.
     *
     * @throws IllegalArgumentException for a method the stack does not know, naming the ones it does
     */
    public LocalStack withMethod(String method) {
        recipe = StackMethods.recipe(method);
        withProperties("trainer", Map.of("ssl.trainer.method", method));
        withProperties("augmenter", Map.of("ssl.augmenter.active", recipe));
        return this;
    }

    /** The recipe of this stack's views. */
    public String recipe() {
        return recipe;
    }

    /** Starts the broker, creates the topics, starts the services and waits until each is ready. */
    public void start() throws IOException, InterruptedException {
        Path logs = logs();
        Files.createDirectories(logs);
        kafka = KafkaProcess.start(options.work().resolve("kafka"), logs.resolve("kafka.log"), options.partitions(), 512);
        String bootstrap = kafka.bootstrapServers();
        out.printf("%-10s ready on %s (Kafka bootstrap)  log %s%n", "kafka", bootstrap, logs.resolve("kafka.log"));
        int p = Math.max(options.partitions(), trainerReplicas);
        TopicAdmin.ensureTopics(bootstrap, Map.of(Topics.SAMPLES_RAW, p, Topics.views(recipe), p, Topics.SAMPLES_DLQ, 1,
                Topics.CHECKPOINTS, 1, Topics.CHECKPOINTS_DLQ, 1, Topics.EVALUATIONS, 1));

        int registryPort = ServiceProcess.port(8081);
        String registryUrl = "http://localhost:" + registryPort;
        registry = new RegistryClient(URI.create(registryUrl), null, Duration.ofMinutes(5));

        start("registry", registryPort, List.of("-Xmx512m"), Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "ssl.registry.data-dir", options.work().resolve("registry").toAbsolutePath().toString()), Map.of());
        start("augmenter", ServiceProcess.port(8082), List.of("-Xmx512m"), Map.of(
                "kafka.bootstrap.servers", bootstrap), Map.of());
        for (int i = 0; i < trainerReplicas; i++) {
            String name = trainers().get(i);
            Map<String, String> props = new LinkedHashMap<>(Map.of("kafka.bootstrap.servers", bootstrap,
                    "ssl.trainer.model-name", options.model(),
                    "ssl.trainer.batch-size", Integer.toString(options.batchSize()),
                    "ssl.trainer.checkpoint.every-steps", Integer.toString(options.checkpointEvery()),
                    "ssl.trainer.checkpoint.interval", options.checkpointInterval().toMillis() + "ms",
                    "ssl.trainer.checkpoint.registry-url", registryUrl,
                    "ssl.trainer.checkpoint.spool-dir", options.work().resolve(name + "/spool").toAbsolutePath().toString()));
            if (trainerReplicas > 1) {
                props.put("ssl.trainer.replicas", Integer.toString(trainerReplicas));
                props.put("ssl.trainer.replica-id", Integer.toString(i));
            }
            start(name, "trainer", ServiceProcess.port(i == 0 ? 8083 : 8090 + i), List.of("-Xmx1g",
                    "-Dai.djl.pytorch.num_threads=" + options.trainerThreads(), "-Dai.djl.pytorch.num_interop_threads=1"),
                    props, LocalProcesses.LIBTORCH_ENV);
        }
        start("eval", ServiceProcess.port(8084), List.of("-Xmx2g", "-Dai.djl.pytorch.num_threads=1"), Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "ssl.eval.registry-url", registryUrl,
                "ssl.eval.dataset.dir", options.dataDir().toAbsolutePath().toString(),
                "ssl.eval.dataset.max-train", Integer.toString(options.evalMaxTrain()),
                "ssl.eval.dataset.max-test", Integer.toString(options.evalMaxTest())), LocalProcesses.LIBTORCH_ENV);
        for (ServiceProcess s : services.values()) {
            s.awaitReady(Duration.ofMinutes(3));
            out.printf("%-10s ready on http://localhost:%d  log %s%n", s.name(), s.port(), s.log());
        }
        supervisor.watch(kafka);
        services.values().forEach(supervisor::watch);
        supervisor.start();
    }

    private void start(String name, int port, List<String> jvm, Map<String, String> props, Map<String, String> env) {
        start(name, name, port, jvm, props, env);
    }

    /** Starts process {@code name} of {@code service}'s jar (a trainer replica {@code trainer-1} is the trainer's). */
    private void start(String name, String service, int port, List<String> jvm, Map<String, String> props, Map<String, String> env) {
        Path jar = options.home().resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
        Map<String, String> all = new LinkedHashMap<>(props);
        all.putAll(extraProperties.getOrDefault(service, Map.of()));
        services.put(name, ServiceProcess.start(name, jar, port, options.work().resolve(name), logs().resolve(name + ".log"),
                jvm, all, env));
    }

    /** Streams Fashion-MNIST training images into {@code ssl.samples.raw}; returns how many were stored. */
    public long feed(int limit, java.util.function.BooleanSupplier keepGoing) throws IOException {
        return feed(limit, 1, keepGoing);
    }

    /**
     * Pass {@code epoch} (from 1) over the training images: the first keyed {@code fashion-mnist/train/<i>}, later
     * ones {@code fashion-mnist/train-epoch<e>/<i>}, so every pass is new samples and the augmenter draws new views.
     */
    public long feed(int limit, int epoch, java.util.function.BooleanSupplier keepGoing) throws IOException {
        Path images = FashionMnist.file(options.dataDir(), "train-images-idx3-ubyte");
        String split = epoch == 1 ? "train" : "train-epoch" + epoch;
        return RawSampleLoader.load(kafka.bootstrapServers(), images, "fashion-mnist", split, limit, out, keepGoing);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public RegistryClient registry() {
        return registry;
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    /** The broker (its pid, for fault tests that kill it). */
    public KafkaProcess kafka() {
        return kafka;
    }

    /** Restarts so far and pending ones, for a status line; empty while nothing was restarted. */
    public String restartSummary() {
        return supervisor.summary();
    }

    /** Restarts so far per process ({@code kafka}, {@code registry}, {@code augmenter}, {@code trainer}, {@code eval}). */
    public Map<String, Integer> restarts() {
        return supervisor.restarts();
    }

    public Path logs() {
        return options.work().resolve("logs");
    }

    /** The trainer's {@code /api/v1/status}, or empty if it does not answer. */
    public Optional<JsonNode> trainerStatus() {
        return getJson(services.get("trainer"), "/api/v1/status");
    }

    /** The dataset id ({@code name@train/test}) the evaluator stores its evaluations under, if it answers. */
    public Optional<String> evalDatasetId() {
        return getJson(services.get("eval"), "/api/v1/status").map(s -> s.path("datasetId").asText(null));
    }

    /** All versions of the model, newest first (empty before the first). */
    public List<ModelVersion> versions() {
        return registry.allVersions(options.model());
    }

    /** The metric names a service exports on {@code /q/metrics} (sample names, e.g. {@code x_total}, {@code x_seconds_sum}). */
    public Set<String> metricNames(String service) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(services.get(service).url("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The counters ({@code ssl_*_total}) on a service's {@code /q/metrics}, by series: the name and its labels as
     * exported (e.g. {@code ssl_eval_evaluations_total{status="failed"}}).
     */
    public Map<String, Double> counters(String service) throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(services.get(service).url("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> counters = new java.util.TreeMap<>();
        body.lines()
                .filter(l -> l.startsWith("ssl_") && l.split("[{ ]", 2)[0].endsWith("_total"))
                .forEach(l -> counters.put(l.substring(0, l.lastIndexOf(' ')).replace(",}", "}"),
                        Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
        return counters;
    }

    /** Sum of a counter on a service's {@code /q/metrics}, across its tags. */
    public double metric(String service, String name) {
        ServiceProcess s = services.get(service);
        try {
            String body = HTTP.send(HttpRequest.newBuilder(s.url("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines()
                    .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /**
     * Stops the trainer alone (it publishes a final checkpoint while the registry is still up); every replica of a
     * replicated run, at once (a replica stopping mid-round writes no checkpoint: the last one is its round's).
     */
    public void stopTrainer() {
        List<Thread> stopping = new java.util.ArrayList<>();
        for (String name : trainers()) {
            ServiceProcess t = services.get(name);
            if (t != null) {
                Thread th = new Thread(() -> t.stop(Duration.ofSeconds(90)), "stop-" + name);
                th.start();
                stopping.add(th);
            }
        }
        for (Thread th : stopping) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops everything, whatever was restarted on the way: the supervisor first (nothing is restarted any more),
     * producers and consumers, the registry, then the broker.
     */
    @Override
    public void close() {
        supervisor.close();
        stopTrainer();
        for (String name : List.of("augmenter", "eval", "registry")) {
            ServiceProcess s = services.get(name);
            if (s != null) {
                s.stop(Duration.ofSeconds(30));
            }
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    private static Optional<JsonNode> getJson(ServiceProcess s, String path) {
        if (s == null || !s.isAlive()) {
            return Optional.empty();
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(s.url(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Optional.of(Json.MAPPER.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
