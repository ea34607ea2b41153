package io.sslstream.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import io.sslstream.model.encoder.Encoders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outages for real: this module's jar runs as a process of its own against a real Kafka broker (in this JVM) and the
 * {@link FakeRegistry} (a real HTTP server in this JVM; the eval tests have no registry process to stop, so the stand-in
 * closes its port instead: connections are refused, as when the registry is not running, and it listens on the same
 * port again with everything it held when it comes back).
 *
 * <ul>
 *   <li>Version 1: the registry goes away as the finished evaluation is posted, and stays away far longer than the
 *       evaluator's old retry budget (4 attempts). The process waits, says so (status, readiness data, gauge), stays
 *       live, never rebalances (5 s {@code max.poll.interval.ms}), and once the registry is back stores the evaluation
 *       it kept: computed once, stored once, published once, nothing dead-lettered.</li>
 *   <li>Version 2: the registry is down when its event comes; the process is stopped (SIGTERM) while it waits. It
 *       exits by itself, dead-letters nothing and commits nothing: a consumer in its group reads the event again, and
 *       so does the next process, which evaluates it once the registry is back.</li>
 * </ul>
 */
class EvalOutageIT {

    static final String MODEL = "outage-it";
    /** Waits for the registry before it comes back: 12 attempts, 0.2 + 0.4 + 0.8 + 1 s x 9 = about 10 s. */
    static final int ATTEMPTS_BEFORE_RETURN = 12;
    static final Path WORK = Path.of("target/outage-it-" + System.currentTimeMillis()).toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final List<Eval> started = new ArrayList<>();

    @AfterEach
    void stopEvaluators() throws InterruptedException {
        for (Eval e : started) {
            if (e.process().isAlive()) {
                e.process().kill(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void anOutageOfTheRegistryIsWaitedOutAndAShutdownDuringItLosesNothing() throws Exception {
        Files.createDirectories(WORK);
        try (InProcessKafka kafka = InProcessKafka.start(); FakeRegistry registry = FakeRegistry.start()) {
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, Map.of(Topics.CHECKPOINTS, 1, Topics.EVALUATIONS, 1, Topics.CHECKPOINTS_DLQ, 1));
            RegistryClient client = new RegistryClient(URI.create(registry.url()), null, Duration.ofSeconds(30));
            Path archive = TestCheckpoints.smallCnn(WORK.resolve("ckpt.zip"), MODEL);
            String sha = Sha256.of(archive);
            long size = Files.size(archive);
            client.putBlob(archive, sha);
            for (int v = 1; v <= 2; v++) {
                assertThat(client.createVersion(MODEL, new CreateVersionRequest(sha,
                        TestCheckpoints.manifest(MODEL, Encoders.smallCnn(), TestCheckpoints.FMNIST), Map.of())).version()).isEqualTo(v);
            }

            // v1: the registry dies as the finished evaluation is posted
            registry.goDownOn("POST", "/api/v1/models/" + MODEL + "/versions/1/evaluations");
            Eval first = start("first", bootstrap, registry.url());
            first.awaitReady();
            CheckpointPublished v1 = event(1, sha, size);
            send(bootstrap, v1);
            JsonNode waiting = first.awaitStatus(s -> s.at("/waiting/attempts").asInt() >= ATTEMPTS_BEFORE_RETURN, Duration.ofMinutes(4));
            assertThat(registry.isDown()).isTrue();
            assertThat(waiting.at("/waiting/dependency").asText()).isEqualTo("registry");
            assertThat(waiting.at("/waiting/what").asText()).isEqualTo("POST evaluation of " + MODEL + " v1");
            assertThat(waiting.at("/waiting/lastError").asText()).contains("unreachable");
            assertThat(waiting.at("/current/version").asInt()).isEqualTo(1);
            assertThat(first.http("/q/health/live").statusCode()).as("waiting is alive").isEqualTo(200);
            HttpResponse<String> ready = first.http("/q/health/ready");
            assertThat(ready.statusCode()).as("waiting is reported, not a reason to be unready").isEqualTo(200);
            JsonNode evaluatorCheck = null;
            for (JsonNode check : Json.MAPPER.readTree(ready.body()).path("checks")) {
                evaluatorCheck = "evaluator".equals(check.path("name").asText()) ? check : evaluatorCheck;
            }
            assertThat(evaluatorCheck).isNotNull();
            assertThat(evaluatorCheck.at("/data/waitingFor").asText()).isEqualTo("registry");
            assertThat(first.metric("ssl_eval_dependency_waiting{dependency=\"registry\"}")).isEqualTo(1.0);
            assertThat(first.log()).contains("waiting for the registry: POST evaluation of " + MODEL + " v1 failed");

            registry.comeBack();
            first.awaitStatus(s -> s.path("current").isNull() && s.path("recent").size() == 1, Duration.ofMinutes(1));
            List<EvaluationCompleted> published = evaluations(bootstrap, 1);
            assertThat(published).extracting(EvaluationCompleted::version).containsExactly(1);
            assertThat(published.get(0).status()).isEqualTo(EvaluationCompleted.SUCCEEDED);
            assertThat(registry.evaluations(MODEL, 1)).extracting(EvaluationCompleted::eventId)
                    .containsExactly(published.get(0).eventId());
            assertThat(registry.evaluationPosts()).as("the lost POST, then the one that went through").isEqualTo(2);
            assertThat(first.metric("ssl_eval_stage_duration_seconds_count{stage=\"features\"}")).as("computed once").isEqualTo(1.0);
            assertThat(first.metric("ssl_eval_dependency_wait_seconds_count{dependency=\"registry\"}"))
                    .isGreaterThanOrEqualTo(ATTEMPTS_BEFORE_RETURN);
            assertThat(first.metric("ssl_eval_dependency_wait_seconds_sum{dependency=\"registry\"}")).isGreaterThan(8.0);
            assertThat(first.metric("ssl_eval_dependency_waiting{dependency=\"registry\"}")).isEqualTo(0.0);
            assertThat(first.metric("ssl_eval_dead_letters_total{reason=\"internal-error\"}")).isEqualTo(0.0);
            assertThat(first.status().path("assignments").asInt()).as("no rebalance while it waited").isEqualTo(1);
            assertThat(first.log()).contains("the registry is back after");

            // v2: the registry is down when the event comes; the process is stopped while it waits
            registry.goDown();
            CheckpointPublished v2 = event(2, sha, size);
            long v2Offset = send(bootstrap, v2);
            first.awaitStatus(s -> s.at("/current/version").asInt() == 2 && "registry".equals(s.at("/waiting/dependency").asText()),
                    Duration.ofMinutes(1));
            assertThat(first.stop()).as("exited by itself after SIGTERM").isTrue();
            assertThat(first.log()).contains("left unacknowledged").doesNotContain("giving up checkpoint event");
            assertThat(recordsOn(bootstrap, Topics.CHECKPOINTS_DLQ)).isZero();
            assertThat(nextEventOfGroup(bootstrap)).as("the event a new member of the group reads first")
                    .isEqualTo(Map.entry(v2Offset, v2.eventId()));

            Eval second = start("second", bootstrap, registry.url());
            second.awaitReady();
            second.awaitStatus(s -> s.at("/current/version").asInt() == 2 && "registry".equals(s.at("/waiting/dependency").asText()),
                    Duration.ofMinutes(2));
            registry.comeBack();
            second.awaitStatus(s -> s.path("current").isNull() && s.path("recent").size() == 1, Duration.ofMinutes(2));
            published = evaluations(bootstrap, 2);
            assertThat(published).extracting(EvaluationCompleted::version).containsExactly(1, 2);
            assertThat(registry.evaluations(MODEL, 1)).hasSize(1);
            assertThat(registry.evaluations(MODEL, 2)).extracting(EvaluationCompleted::eventId)
                    .containsExactly(published.get(1).eventId());
            assertThat(recordsOn(bootstrap, Topics.CHECKPOINTS_DLQ)).isZero();
            assertThat(second.metric("ssl_eval_dead_letters_total{reason=\"internal-error\"}")).isEqualTo(0.0);
            assertThat(second.stop()).isTrue();
        }
    }

    Eval start(String name, String bootstrap, String registryUrl) {
        Eval e = Eval.start(name, bootstrap, registryUrl);
        started.add(e);
        return e;
    }

    static CheckpointPublished event(int version, String sha, long size) {
        return new CheckpointPublished(CheckpointPublished.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), MODEL, version,
                "run-it", "simclr", Encoders.SMALL_CNN, 10, 2560, sha, size);
    }

    /** @return the event's offset */
    static long send(String bootstrap, CheckpointPublished event) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            return p.send(new ProducerRecord<>(Topics.CHECKPOINTS, MODEL, Json.writeString(event))).get().offset();
        }
    }

    /** Every evaluation of {@link #MODEL} on {@code ssl.evaluations}, once {@code expected} are there and 2 s more. */
    static List<EvaluationCompleted> evaluations(String bootstrap, int expected) {
        List<EvaluationCompleted> all = new ArrayList<>();
        try (KafkaConsumer<String, String> c = reader(bootstrap, "outage-it-reader-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.EVALUATIONS));
            await().atMost(Duration.ofMinutes(1)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(r -> all.add(Json.read(r.value(), EvaluationCompleted.class)));
                return all.size() >= expected;
            });
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                c.poll(Duration.ofMillis(200)).forEach(r -> all.add(Json.read(r.value(), EvaluationCompleted.class)));
            }
        }
        return all;
    }

    static long recordsOn(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> c = reader(bootstrap, null)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp) - c.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    /** The first record a new member of the evaluator's group is given: offset and event id. Commits nothing. */
    static Map.Entry<Long, UUID> nextEventOfGroup(String bootstrap) {
        try (KafkaConsumer<String, String> c = reader(bootstrap, "eval")) {
            c.subscribe(List.of(Topics.CHECKPOINTS));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            await().atMost(Duration.ofMinutes(1)).pollInSameThread().until(() -> {
                c.poll(Duration.ofMillis(500)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<String, String> r = got.get(0);
            return Map.entry(r.offset(), Json.read(r.value(), CheckpointPublished.class).eventId());
        }
    }

    static KafkaConsumer<String, String> reader(String bootstrap, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** An evaluator process: this module's Quarkus jar, a small dataset and one protocol, so that it evaluates in seconds. */
    record Eval(String name, ServiceProcess process) {

        static Eval start(String name, String bootstrap, String registryUrl) {
            Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
            assertThat(jar).as("the evaluator's jar (package phase)").isRegularFile();
            ServiceProcess process = ServiceProcess.builder("evaluator " + name, jar, ServiceProcess.freePort(),
                            WORK.resolve("eval-" + name + ".log"))
                    .jvmOptions("-Xmx768m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1")
                    .property("kafka.bootstrap.servers", bootstrap)
                    .property("ssl.eval.registry-url", registryUrl)
                    .property("ssl.eval.registry-timeout", "PT10S")
                    .property("ssl.eval.dataset.dir", TestCheckpoints.SUBSET.toAbsolutePath().normalize().toString())
                    .property("ssl.eval.dataset.max-train", "1000")
                    .property("ssl.eval.dataset.max-test", "500")
                    .property("ssl.eval.protocols", "knn@20")
                    .property("ssl.eval.champion.protocol", "knn@20")
                    .property("ssl.eval.raw-pixel-baseline", "false")
                    .property("ssl.eval.random-init-baseline", "false")
                    .property("ssl.eval.work-dir", WORK.resolve("work-" + name).toString())
                    .property("ssl.eval.dependency-retry.initial-backoff", "PT0.2S")
                    .property("ssl.eval.dependency-retry.max-backoff", "PT1S")
                    // as in the service test: every wait below outlasts it, and the group must not rebalance
                    .property("mp.messaging.incoming.checkpoints.max.poll.interval.ms", "5000")
                    .env(LocalProcesses.LIBTORCH_ENV)
                    .env(Map.of("OMP_WAIT_POLICY", "PASSIVE"))
                    .start();
            return new Eval(name, process);
        }

        HttpResponse<String> http(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(process.url(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        void awaitReady() throws InterruptedException {
            process.awaitReady(Duration.ofMinutes(3));
        }

        /** {@code /api/v1/status}, or null while it does not answer. */
        JsonNode status() {
            return process.get("/api/v1/status", Duration.ofSeconds(10)).map(body -> Json.read(body, JsonNode.class))
                    .orElse(null);
        }

        /** @return the status that met the condition */
        JsonNode awaitStatus(Predicate<JsonNode> condition, Duration timeout) {
            JsonNode[] met = new JsonNode[1];
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(process.isAlive()).as("evaluator %s died; see %s", name, process.log()).isTrue();
                JsonNode s = status();
                met[0] = s;
                return Optional.ofNullable(s).map(condition::test).orElse(false);
            });
            return met[0];
        }

        /** A sample of {@code /q/metrics}, {@code name{labels}}. */
        double metric(String sample) throws IOException, InterruptedException {
            for (String line : http("/q/metrics").body().split("\n")) {
                if (line.startsWith(sample + " ")) {
                    return Double.parseDouble(line.substring(sample.length() + 1));
                }
            }
            throw new AssertionError("no sample " + sample + " in the metrics of evaluator " + name);
        }

        /**
         * SIGTERM, then up to 60 s for the process to exit.
         *
         * @return true if it exited by itself
         */
        boolean stop() {
            return process.stop(Duration.ofSeconds(60));
        }

        String log() throws IOException {
            return Files.readString(process.log());
        }
    }
}
