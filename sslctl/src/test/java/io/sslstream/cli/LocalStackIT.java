package io.sslstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Sha256;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton end to end, on the same {@link LocalStack} that {@code sslctl stack} runs: a real
 * Kafka broker (KRaft, own JVM) and the four services (their built Quarkus jars, each in its own JVM).
 * Real Fashion-MNIST images (the shipped subset) travel from the loader to an evaluated checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    static final String MODEL = "e2e-simclr";
    static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path work = Path.of("target/e2e-" + System.currentTimeMillis()).toAbsolutePath();
        stack = new LocalStack(new LocalStack.Options(Main.repositoryHome(), work, SUBSET, MODEL, 64, 10, Duration.ofMinutes(2), 2, 4000,
                1000, 2),
                System.out);
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            try {
                System.out.print(EvaluationTable.render(MODEL, stack.versions()));
            } finally {
                stack.close();
            }
        }
    }

    /**
     * Right after start-up, before any data: every service's counters are on /q/metrics at 0, so that Prometheus sees
     * their first increment (a series that first appears at 1 hides it from rate and increase).
     */
    @Test
    @Order(0)
    void everyServiceShowsItsCountersAtZeroBeforeTheFirstEvent() throws Exception {
        Map<String, List<String>> expected = Map.of(
                "registry", List.of("ssl_registry_blobs_bytes_stored_total", "ssl_registry_events_published_total",
                        "ssl_registry_upload_rejected_total{reason=\"too-large\"}", "ssl_registry_auth_denied_total{reason=\"missing-token\"}",
                        "ssl_registry_retention_versions_deleted_total"),
                "augmenter", List.of("ssl_augmenter_samples_in_total", "ssl_augmenter_views_out_total{recipe=\"simclr\"}",
                        "ssl_augmenter_producer_errors_total", "ssl_augmenter_ingest_samples_total{type=\"png\"}"),
                "trainer", List.of("ssl_trainer_steps_total", "ssl_trainer_samples_seen_total", "ssl_trainer_checkpoints_published_total",
                        "ssl_trainer_checkpoints_upload_failures_total", "ssl_trainer_nonfinite_steps_total"),
                "eval", List.of("ssl_eval_evaluations_total{status=\"succeeded\"}", "ssl_eval_evaluations_total{status=\"failed\"}",
                        "ssl_eval_dead_letters_total{reason=\"internal-error\"}"));
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            Map<String, Double> counters = stack.counters(e.getKey());
            Set<String> names = new TreeSet<>();
            counters.keySet().forEach(series -> names.add(series.split("\\{")[0]));
            for (String wanted : e.getValue()) { // a name alone stands for any of its series (the trainer's carry run and method)
                assertThat(wanted.contains("{") ? counters.keySet() : names).as("counters of %s right after start", e.getKey())
                        .contains(wanted);
            }
            assertThat(counters).as("counters of %s before any data", e.getKey()).allSatisfy((series, value) -> assertThat(value).isZero());
        }
    }

    @Test
    @Order(1)
    void unlabeledImagesBecomeAnEvaluatedCheckpoint() throws Exception {
        long loaded = stack.feed(4000, () -> true);
        assertThat(loaded).isEqualTo(4000);

        // a malformed record, then a good one: the first goes to the DLQ, the second still becomes views
        byte[] good = RawSample.pixels("after-bad", "fashion-mnist", "", 28, 28, 1,
                FashionMnist.read(SUBSET, "t10k", 1).images().item(0)).encode();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(RawSampleLoader.producerConfig(stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.SAMPLES_RAW, "bad-truncated", Arrays.copyOf(good, 40))).get();
            p.send(new ProducerRecord<>(Topics.SAMPLES_RAW, "after-bad", good)).get();
        }

        // views were produced for every good sample
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() ->
                stack.metric("augmenter", "ssl_augmenter_views_out_total") >= 4001);
        ViewSet afterBad = findViews("after-bad");
        assertThat(afterBad.views()).hasSize(2);
        assertThat(afterBad.views().get(0).height()).isEqualTo(28);
        Map<String, String> dlq = dlqReasons();
        assertThat(dlq).containsKey("bad-truncated");
        assertThat(dlq.get("bad-truncated")).startsWith("decode");

        // the trainer ran at least 20 steps and its loss fell
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(() ->
                stack.trainerStatus().map(s -> s.path("step").asLong()).orElse(0L) >= 20);
        JsonNode status = stack.trainerStatus().orElseThrow();
        assertThat(status.path("loss").asDouble()).isLessThan(status.path("initialLoss").asDouble());

        // a version exists whose weights hash to the SHA-256 the registry announced, and it was evaluated
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(3)).until(() ->
                stack.versions().stream().anyMatch(v -> succeeded(v).isPresent()));
        ModelVersion version = stack.versions().stream().filter(v -> succeeded(v).isPresent()).findFirst().orElseThrow();
        assertThat(version.step()).isGreaterThanOrEqualTo(10);
        Path weights = Path.of("target/e2e-weights-v" + version.version() + ".zip");
        stack.registry().downloadWeights(MODEL, version.version(), weights);
        assertThat(Sha256.of(weights)).isEqualTo(version.weightsSha256());
        Path bySha = Path.of("target/e2e-weights-by-sha.zip");
        stack.registry().downloadBlob(version.weightsSha256(), bySha);
        assertThat(Sha256.of(bySha)).isEqualTo(version.weightsSha256());

        EvaluationCompleted ev = succeeded(version).orElseThrow();
        assertThat(ev.weightsSha256()).isEqualTo(version.weightsSha256());
        for (String protocol : List.of("knn@20", "linear")) {
            ProtocolResult r = ev.results().stream()
                    .filter(x -> protocol.equals(x.protocol()) && "encoder".equals(x.featureSet()))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + protocol + " result in " + ev));
            assertThat(r.accuracy()).as(protocol).isGreaterThan(0.3).isLessThanOrEqualTo(1.0);
        }
    }

    /**
     * The Grafana dashboard and the alert rules in k8s/ may only use metrics the services really export: every
     * {@code ssl_*} name they mention must be on some service's /q/metrics after the pipeline above ran. The
     * others come from outside our services and are listed here with their source.
     */
    @Test
    @Order(2)
    void everyMetricOfTheDashboardAndTheAlertsIsExported() throws Exception {
        // a view set the trainer must reject, so that its rejection counter exists like in any real run
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(RawSampleLoader.producerConfig(stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.views("simclr"), "bad-view", new byte[]{1, 2, 3})).get();
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() ->
                stack.metric("trainer", "ssl_trainer_rejected_total") >= 1);

        Set<String> exported = new HashSet<>();
        for (String service : List.of("registry", "augmenter", "trainer", "eval")) {
            exported.addAll(stack.metricNames(service));
        }
        Map<String, String> external = Map.of(
                "kafka_consumergroup_lag", "Strimzi's Kafka Exporter",
                "up", "Prometheus itself");
        Path k8s = Main.repositoryHome().resolve("k8s/base/monitoring");
        Set<String> used = new TreeSet<>();
        for (String file : List.of("dashboard.json", "prometheusrule.yaml")) {
            Matcher m = METRIC.matcher(Files.readString(k8s.resolve(file)));
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used).as("metric names found in the dashboard and rules").contains("ssl_trainer_loss", "kafka_consumergroup_lag");
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        missing.removeAll(external.keySet());
        // a replicated run's meters: this stack has one trainer; TrainerReplicasIT checks them on two replicas
        missing.removeIf(name -> name.startsWith("ssl_trainer_sync_"));
        assertThat(missing).as("used in k8s/base/monitoring but exported by no service").isEmpty();
    }

    /** Metric names in PromQL: ours (ssl_*), Kafka's exporter's, and Prometheus' up. */
    private static final Pattern METRIC = Pattern.compile("\\b(ssl_[a-z0-9_]+|kafka_[a-z0-9_]+|up(?=\\{))");

    private static Optional<EvaluationCompleted> succeeded(ModelVersion v) {
        return v.evaluations().stream().filter(e -> EvaluationCompleted.SUCCEEDED.equals(e.status())).findFirst();
    }

    private static ViewSet findViews(String key) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.subscribe(List.of(Topics.views("simclr")));
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        return ViewSet.decode(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no views for " + key);
    }

    private static Map<String, String> dlqReasons() {
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.subscribe(List.of(Topics.SAMPLES_DLQ));
            long deadline = System.currentTimeMillis() + 30_000;
            while (reasons.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    reasons.put(r.key(), new String(r.headers().lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
