package io.sslstream.bench.eval;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of the local stack an evaluation needs, as the local stack runs it: a Kafka broker (KRaft, own JVM), the
 * registry's and the evaluator's Quarkus jars in JVMs of their own. A version created in the registry reaches the
 * evaluator the production way: outbox, {@code ssl.checkpoints}, consumer.
 */
public final class EvalStack implements AutoCloseable {

    /**
     * @param home         repository root (the services' {@code target/quarkus-app})
     * @param work         folder of the run (broker, registry data, exported features, logs)
     * @param dataDir      Fashion-MNIST IDX files
     * @param maxTrain     labelled train images
     * @param maxTest      test images
     * @param threads      libtorch intra-op threads of the evaluator
     * @param passiveOmp   start the evaluator with {@code OMP_WAIT_POLICY=PASSIVE}
     */
    public record Options(Path home, Path work, Path dataDir, int maxTrain, int maxTest, int threads, boolean passiveOmp) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Options options;
    private KafkaProcess kafka;
    private ServiceProcess registryProcess;
    private ServiceProcess eval;
    private RegistryClient registry;

    public EvalStack(Options options) {
        this.options = options;
    }

    public void start() throws IOException, InterruptedException {
        Path logs = logs();
        Files.createDirectories(logs);
        kafka = KafkaProcess.start(options.work().resolve("kafka"), logs.resolve("kafka.log"), 1, 512);
        String bootstrap = kafka.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, Map.of(Topics.CHECKPOINTS, 1, Topics.EVALUATIONS, 1, Topics.CHECKPOINTS_DLQ, 1));
        int registryPort = ServiceProcess.port(8081);
        String registryUrl = "http://localhost:" + registryPort;
        registryProcess = ServiceProcess.start("registry", jar("registry"), registryPort, options.work().resolve("registry"),
                logs.resolve("registry.log"), List.of("-Xmx512m"), Map.of("kafka.bootstrap.servers", bootstrap,
                        "ssl.registry.data-dir", options.work().resolve("registry").toAbsolutePath().toString()), Map.of());
        Map<String, String> env = new HashMap<>(LocalProcesses.LIBTORCH_ENV);
        if (options.passiveOmp()) {
            env.put("OMP_WAIT_POLICY", "PASSIVE");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", bootstrap);
        props.put("ssl.eval.registry-url", registryUrl);
        props.put("ssl.eval.dataset.dir", options.dataDir().toAbsolutePath().toString());
        props.put("ssl.eval.dataset.max-train", Integer.toString(options.maxTrain()));
        props.put("ssl.eval.dataset.max-test", Integer.toString(options.maxTest()));
        props.put("ssl.eval.features-export-dir", featuresDir().toAbsolutePath().toString());
        eval = ServiceProcess.start("eval", jar("eval"), ServiceProcess.port(8084), options.work().resolve("eval"),
                logs.resolve("eval.log"), List.of("-Xmx3g", "-Dai.djl.pytorch.num_threads=" + options.threads(),
                        "-Dai.djl.pytorch.num_interop_threads=1"), props, env);
        registryProcess.awaitReady(Duration.ofMinutes(3));
        eval.awaitReady(Duration.ofMinutes(5));
        registry = new RegistryClient(URI.create(registryUrl), null, Duration.ofMinutes(5));
    }

    private Path jar(String service) {
        return options.home().resolve(service + "-service/target/quarkus-app/quarkus-run.jar");
    }

    public RegistryClient registry() {
        return registry;
    }

    public Path logs() {
        return options.work().resolve("logs");
    }

    /** Where the evaluator writes the features of every evaluation. */
    public Path featuresDir() {
        return options.work().resolve("features");
    }

    /** The evaluator's Prometheus samples, {@code name{labels}} to value. */
    public Map<String, Double> evalMetrics() throws IOException, InterruptedException {
        String body = HTTP.send(HttpRequest.newBuilder(eval.url("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> m = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("ssl_eval_")) {
                int space = line.lastIndexOf(' ');
                m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return m;
    }

    /** The end of the evaluator's log, for error messages. */
    public String evalLogTail() {
        return eval == null ? "" : eval.tail(40);
    }

    @Override
    public void close() {
        List<ServiceProcess> services = new ArrayList<>();
        if (eval != null) {
            services.add(eval);
        }
        if (registryProcess != null) {
            services.add(registryProcess);
        }
        services.forEach(s -> s.stop(Duration.ofSeconds(30)));
        if (kafka != null) {
            kafka.close();
        }
    }
}
