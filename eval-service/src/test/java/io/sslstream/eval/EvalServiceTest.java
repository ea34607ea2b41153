package io.sslstream.eval;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.model.encoder.Encoders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The evaluator against a real Kafka broker and a registry stand-in ({@link FakeRegistry}; the real registry is
 * covered by the end-to-end test): a real checkpoint archive (the small CNN, randomly initialised) is evaluated on the
 * shipped Fashion-MNIST subset with every protocol for the encoder and both baselines, and becomes champion; a
 * duplicate event is skipped; checkpoints that cannot be evaluated become failed evaluations with their reason; a
 * registry that answers 503 for longer than the old retry budget (4 attempts) is waited for, and the event goes on
 * when it answers; a malformed event ends in the dead-letter topic, and nothing else does; the group never rebalances
 * although every evaluation outlasts the 5 s {@code max.poll.interval.ms} of the test profile. {@link EvalOutageIT}
 * takes the registry away altogether (connections refused) and stops the process while it waits. A second test puts the registry
 * and the topic in the states a restart leaves behind and checks that nothing is lost, duplicated or computed again,
 * and that the champion moves by the margin only.
 *
 * <p>Both tests share the application, the broker and the registry: each filters the topics by its own models and
 * checks counters as differences.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeRegistryResource.class, restrictToAnnotatedClass = false)
class EvalServiceTest {

    static final String GOOD = "eval-test-good";
    static final String BAD = "eval-test-bad";
    static final String WRONG_SHA = "0".repeat(64);
    static final String MISSING_BLOB = "ab".repeat(32);
    static final String CHAMP = "eval-test-champion";
    /** 503 answers to v4's first requests: twice the attempts the evaluator made before it gave an event up. */
    static final int V4_FAULTS = 8;
    static final String DATASET = "fashion-mnist@4000/1000";
    static final List<String> PROTOCOLS = List.of("linear", "linear@10", "linear@100", "knn@20", "knn@200");

    @TempDir
    Path dir;

    @Test
    void evaluatesEachVersionOnceAndRecordsWhatCannotBeEvaluated() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String registryUrl = ConfigProvider.getConfig().getValue("ssl.eval.registry-url", String.class);
        RegistryClient registry = new RegistryClient(URI.create(registryUrl), null, Duration.ofSeconds(30));
        Map<String, Double> metricsBefore = metrics();
        JsonPath statsBefore = JsonPath.from(get(registryUrl + "/_fake/stats"));

        Path archive = TestCheckpoints.smallCnn(dir.resolve("ckpt.zip"), GOOD);
        String sha = Sha256.of(archive);
        long size = Files.size(archive);
        registry.putBlob(archive, sha);
        assertThat(version(registry, GOOD, sha)).isEqualTo(1);
        assertThat(version(registry, BAD, sha)).isEqualTo(1); // announced with a wrong checksum
        assertThat(version(registry, BAD, MISSING_BLOB)).isEqualTo(2); // its weights are not there
        assertThat(version(registry, BAD, sha)).isEqualTo(3); // the registry answers 503 twice first
        assertThat(version(registry, BAD, sha)).isEqualTo(4); // 503 more times than the evaluator once tried (4)
        fault(registryUrl, "/api/v1/models/" + BAD + "/versions/3", 2);
        fault(registryUrl, "/api/v1/models/" + BAD + "/versions/4", V4_FAULTS);

        String good = Json.writeString(event(GOOD, 1, sha, size));
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, GOOD, good));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, GOOD, good)); // delivered twice
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, "garbage", "{not json"));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, BAD, Json.writeString(event(BAD, 1, WRONG_SHA, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, BAD, Json.writeString(event(BAD, 7, sha, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, BAD, Json.writeString(event(BAD, 2, MISSING_BLOB, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, BAD, Json.writeString(event(BAD, 3, WRONG_SHA, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, BAD, Json.writeString(event(BAD, 4, WRONG_SHA, size))));
            p.flush();
        }

        List<ConsumerRecord<String, String>> evaluations = new ArrayList<>();
        List<ConsumerRecord<String, String>> dlq = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "eval-test-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.EVALUATIONS, Topics.CHECKPOINTS_DLQ));
            // events are handled in order: once v4's evaluation is published, every earlier event has been handled
            await().atMost(Duration.ofMinutes(8)).pollInSameThread().pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (OURS.contains(r.key())) {
                        (r.topic().equals(Topics.EVALUATIONS) ? evaluations : dlq).add(r);
                    }
                }
                assertThat(dlq).hasSize(1);
                assertThat(evaluations).hasSize(6);
            });
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(1))) {
                if (OURS.contains(r.key())) {
                    (r.topic().equals(Topics.EVALUATIONS) ? evaluations : dlq).add(r);
                }
            }
        }

        // one evaluation of the good version although its event came twice
        List<EvaluationCompleted> published = evaluations.stream().map(r -> Json.read(r.value(), EvaluationCompleted.class)).toList();
        assertThat(evaluations).extracting(ConsumerRecord::key).containsExactly(GOOD, BAD, BAD, BAD, BAD, BAD);
        EvaluationCompleted ok = published.get(0);
        assertThat(ok.modelName()).isEqualTo(GOOD);
        assertThat(ok.version()).isEqualTo(1);
        assertThat(ok.status()).isEqualTo(EvaluationCompleted.SUCCEEDED);
        assertThat(ok.failureReason()).isNull();
        assertThat(ok.dataset()).isEqualTo(DATASET);
        assertThat(ok.weightsSha256()).isEqualTo(sha);
        assertThat(ok.seconds()).isPositive();
        assertThat(ok.results()).hasSize(15);
        for (String featureSet : List.of(Evaluator.RAW_PIXELS, Evaluator.RANDOM_INIT, Evaluator.ENCODER)) {
            List<ProtocolResult> set = ok.results().stream().filter(r -> r.featureSet().equals(featureSet)).toList();
            assertThat(set).extracting(ProtocolResult::protocol).containsExactlyElementsOf(PROTOCOLS);
            // chance is 0.1 on ten classes; 10 labels per class are few
            assertThat(set).allSatisfy(r -> assertThat(r.accuracy()).as("%s %s", featureSet, r.protocol())
                    .isGreaterThan(r.protocol().equals("linear@10") ? 0.4 : 0.5));
            assertThat(set.get(0).params()).containsEntry("train_size", 4000).containsEntry("test_size", 1000)
                    .containsEntry("wd", 1e-4).containsEntry("classes", 10).containsKey("iterations");
            assertThat(set.get(1).params()).containsEntry("labels_per_class", 10).containsEntry("train_size", 100)
                    .containsEntry("seeds", List.of(0, 1, 2));
            assertThat(set.get(2).params()).containsEntry("labels_per_class", 100).containsEntry("train_size", 1000)
                    .containsEntry("seeds", List.of(0, 1, 2)).containsEntry("folds", 5).containsKey("wd_grid");
            // each draw's penalty, chosen by the folds from the configured list
            assertThat((List<?>) set.get(2).params().get("wd")).hasSize(3)
                    .allSatisfy(w -> assertThat(List.of(1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1)).contains(((Number) w).doubleValue()));
            assertThat(set.get(1).spread()).isPositive(); // three different draws of 100 labels do not score alike
            assertThat(set.get(3).params()).containsEntry("k", 20).containsEntry("temperature", 0.07);
            assertThat(set.get(4).params()).containsEntry("k", 200).containsEntry("temperature", 0.1);
        }
        int dim = Encoders.featureDim(Encoders.smallCnn());
        assertThat(ok.results()).filteredOn(r -> !r.featureSet().equals(Evaluator.RAW_PIXELS))
                .allSatisfy(r -> assertThat(r.params()).containsEntry("dim", dim));
        assertThat(ok.results()).filteredOn(r -> r.featureSet().equals(Evaluator.RAW_PIXELS))
                .allSatisfy(r -> assertThat(r.params()).containsEntry("dim", 784));
        assertThat(ok.results()).filteredOn(r -> r.featureSet().equals(Evaluator.RANDOM_INIT))
                .allSatisfy(r -> assertThat(r.params()).containsEntry("init_seed", 0).containsEntry("architecture", "small-cnn"));
        // the checkpoint (seed 7) and the random-init baseline (seed 0) are different random encoders
        assertThat(accuracy(ok, Evaluator.ENCODER, "knn@20")).isNotEqualTo(accuracy(ok, Evaluator.RANDOM_INIT, "knn@20"));

        // the first version evaluated becomes champion
        assertThat(registry.alias(GOOD, "champion")).map(ModelVersion::version).contains(1);
        ModelVersion stored = registry.getVersion(GOOD, 1);
        assertThat(stored.evaluations()).hasSize(1);
        assertThat(stored.evaluations().get(0).eventId()).isEqualTo(ok.eventId());
        assertThat(stored.evaluations().get(0).results()).isEqualTo(ok.results());

        // what cannot be evaluated is recorded with its reason, in the order the events came
        assertThat(published.subList(1, 6)).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(EvaluationCompleted.FAILED);
            assertThat(e.results()).isEmpty();
        });
        assertThat(published.subList(1, 6)).extracting(EvaluationCompleted::version).containsExactly(1, 7, 2, 3, 4);
        assertThat(published.get(1).failureReason()).startsWith("checksum mismatch").contains(WRONG_SHA, sha);
        assertThat(published.get(2).failureReason()).contains("version 7 of model " + BAD + " is not in the registry (404)");
        assertThat(published.get(3).failureReason()).contains("weights of " + BAD + " v2 are not in the registry (404)");
        // v3 got through the two 503s and then failed on its checksum; so did v4, after waiting out its eight
        assertThat(published.get(4).failureReason()).startsWith("checksum mismatch");
        assertThat(published.get(5).failureReason()).startsWith("checksum mismatch");
        assertThat(registry.getVersion(BAD, 4).evaluations()).extracting(EvaluationCompleted::eventId)
                .containsExactly(published.get(5).eventId());
        assertThat(registry.getVersion(BAD, 1).evaluations()).extracting(EvaluationCompleted::failureReason)
                .containsExactly(published.get(1).failureReason());

        // the malformed event, and nothing else, went to the checkpoints' dead-letter topic
        assertThat(dlq).extracting(ConsumerRecord::topic).containsOnly(Topics.CHECKPOINTS_DLQ);
        assertThat(dlq).extracting(ConsumerRecord::key).containsExactly("garbage");
        assertThat(dlq.get(0).value()).isEqualTo("{not json");
        assertThat(header(dlq.get(0), Topics.HEADER_DLQ_REASON)).isEqualTo("malformed-event");
        assertThat(header(dlq.get(0), Topics.HEADER_DLQ_STAGE)).isEqualTo("eval.consume");
        assertThat(header(dlq.get(0), Topics.HEADER_DLQ_SOURCE)).startsWith(Topics.CHECKPOINTS + "/0/");

        JsonPath stats = JsonPath.from(get(registryUrl + "/_fake/stats"));
        // v3's two, then all of v4's
        assertThat(stats.getInt("faultsServed") - statsBefore.getInt("faultsServed")).isEqualTo(2 + V4_FAULTS);
        // good v1 once; bad v1, v2, v3, v4 (v7 has no version)
        assertThat(stats.getInt("evaluationPosts") - statsBefore.getInt("evaluationPosts")).isEqualTo(5);

        JsonPath status = RestAssured.get("/api/v1/status").then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("dataset")).isEqualTo("fashion-mnist");
        assertThat(status.getString("datasetId")).isEqualTo(DATASET);
        assertThat(status.getString("format")).isEqualTo("idx");
        assertThat(status.getInt("classes")).isEqualTo(10);
        assertThat(status.getInt("trainItems")).isEqualTo(4000);
        assertThat(status.getInt("assignments")).as("partition assignments (a rebalance adds one)").isEqualTo(1);
        assertThat(status.getList("seen.findAll { it.model == '" + GOOD + "' || it.model == '" + BAD + "' }.state"))
                .containsExactly("failed", "failed", "failed", "failed", "failed", "skipped", "succeeded");
        assertThat(status.getMap("waiting")).as("nothing waits any more").isNull();
        assertThat(status.getFloat("recent.find { it.model == '" + GOOD + "' }.accuracies.'encoder/knn@20'")).isGreaterThan(0.5f);
        List<String> baselines = new ArrayList<>(PROTOCOLS);
        baselines.addAll(PROTOCOLS);
        assertThat(status.getList("baselines.protocol")).containsExactlyElementsOf(baselines);
        assertThat(status.getList("baselines.featureSet")).containsOnly(Evaluator.RAW_PIXELS, Evaluator.RANDOM_INIT);
        // the duplicate event considered v1 again and found it champion already
        assertThat(status.getInt("champions.'" + GOOD + "'.version")).isEqualTo(1);
        assertThat(status.getString("champions.'" + GOOD + "'.reason")).isEqualTo("v1 is the champion already");
        RestAssured.get("/q/health/ready").then().statusCode(200);
        assertThat(RestAssured.get("/q/health/live").then().statusCode(200).extract().jsonPath()
                .getString("checks.find { it.name == 'evaluator-progress' }.status")).isEqualTo("UP");

        Map<String, Double> after = metrics();
        assertThat(after).containsKeys(
                "ssl_eval_accuracy{feature_set=\"encoder\",model=\"" + GOOD + "\",protocol=\"knn@20\"}",
                "ssl_eval_accuracy{feature_set=\"random-init\",model=\"" + GOOD + "\",protocol=\"linear@10\"}",
                "ssl_eval_accuracy{feature_set=\"raw-pixels\",model=\"" + GOOD + "\",protocol=\"linear@100\"}");
        assertThat(after.get("ssl_eval_lift{baseline=\"raw-pixels\",model=\"" + GOOD + "\",protocol=\"linear\"}"))
                .isCloseTo(accuracy(ok, Evaluator.ENCODER, "linear") - accuracy(ok, Evaluator.RAW_PIXELS, "linear"), within(1e-9));
        assertThat(after.get("ssl_eval_lift{baseline=\"random-init\",model=\"" + GOOD + "\",protocol=\"knn@200\"}"))
                .isCloseTo(accuracy(ok, Evaluator.ENCODER, "knn@200") - accuracy(ok, Evaluator.RANDOM_INIT, "knn@200"), within(1e-9));
        assertThat(after).containsEntry("ssl_eval_last_version{model=\"" + GOOD + "\"}", 1.0)
                .containsEntry("ssl_eval_champion_version{model=\"" + GOOD + "\"}", 1.0)
                .containsEntry("ssl_eval_champion_moves_total{model=\"" + GOOD + "\"}", 1.0);
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"succeeded\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"failed\"}")).isEqualTo(5);
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"skipped\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_duration_seconds_count{status=\"succeeded\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_stage_duration_seconds_count{stage=\"download\"}")).isPositive();
        assertThat(delta(metricsBefore, after, "ssl_eval_stage_duration_seconds_count{stage=\"features\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_stage_duration_seconds_count{stage=\"knn@200\"}")).isEqualTo(1);
        // one wait after each 503: v3's two and v4's eight; one dead letter, the malformed event
        assertThat(delta(metricsBefore, after, "ssl_eval_dependency_wait_seconds_count{dependency=\"registry\"}"))
                .isEqualTo(2 + V4_FAULTS);
        assertThat(delta(metricsBefore, after, "ssl_eval_dependency_wait_seconds_sum{dependency=\"registry\"}")).isPositive();
        assertThat(after).containsEntry("ssl_eval_dependency_waiting{dependency=\"registry\"}", 0.0)
                .containsEntry("ssl_eval_dependency_waiting{dependency=\"kafka\"}", 0.0)
                .containsEntry("ssl_eval_dependency_wait_seconds_count{dependency=\"work-directory\"}", 0.0);
        assertThat(delta(metricsBefore, after, "ssl_eval_dead_letters_total{reason=\"malformed-event\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_dead_letters_total{reason=\"internal-error\"}")).isZero();
        // the baselines are computed once per dataset (and architecture), whichever test came first
        assertThat(after).containsEntry("ssl_eval_stage_duration_seconds_count{stage=\"raw-pixels\"}", 1.0)
                .containsEntry("ssl_eval_stage_duration_seconds_count{stage=\"random-init\"}", 1.0);
    }

    /**
     * The states a crash leaves behind, set up by hand: v1 and v2 stored in the registry but never published (a
     * restart between storing and publishing), v3 stored and published (a restart before the offset commit or the
     * champion move). Their events, one of them twice, must publish v1 and v2 exactly once with the stored event ids,
     * compute nothing, post nothing, and move the champion to v1 (none before), not to v2 (0.1 point better, within
     * the 0.2 point margin), then to v3 (1 point better), and never to v4, whose checkpoint fails.
     */
    @Test
    void aRestartBetweenStoringAndPublishingLosesAndDuplicatesNothing() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String registryUrl = ConfigProvider.getConfig().getValue("ssl.eval.registry-url", String.class);
        RegistryClient registry = new RegistryClient(URI.create(registryUrl), null, Duration.ofSeconds(30));
        Path archive = TestCheckpoints.smallCnn(dir.resolve("ckpt.zip"), CHAMP);
        String sha = Sha256.of(archive);
        long size = Files.size(archive);
        registry.putBlob(archive, sha);
        for (int v = 1; v <= 4; v++) {
            assertThat(version(registry, CHAMP, sha)).isEqualTo(v);
        }
        EvaluationCompleted stored1 = stored(1, sha, 0.800);
        EvaluationCompleted stored2 = stored(2, sha, 0.801);
        EvaluationCompleted stored3 = stored(3, sha, 0.810);
        for (EvaluationCompleted e : List.of(stored1, stored2, stored3)) {
            registry.addEvaluation(CHAMP, e.version(), e);
        }
        Map<String, Double> metricsBefore = metrics();
        JsonPath statsBefore = JsonPath.from(get(registryUrl + "/_fake/stats"));

        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(Topics.EVALUATIONS, CHAMP, Json.writeString(stored3))).get(); // v3 was published
            String v1 = Json.writeString(event(CHAMP, 1, sha, size));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, CHAMP, v1));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, CHAMP, v1)); // delivered twice
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, CHAMP, Json.writeString(event(CHAMP, 2, sha, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, CHAMP, Json.writeString(event(CHAMP, 3, sha, size))));
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, CHAMP, Json.writeString(event(CHAMP, 4, WRONG_SHA, size))));
            p.flush();
        }

        List<EvaluationCompleted> published = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "eval-test-resume-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.EVALUATIONS));
            // v4's failed evaluation comes last: once it is there, everything before it has been handled
            await().atMost(Duration.ofMinutes(8)).pollInSameThread().pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (CHAMP.equals(r.key())) {
                        published.add(Json.read(r.value(), EvaluationCompleted.class));
                    }
                }
                assertThat(published).extracting(EvaluationCompleted::version).contains(4);
            });
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(2))) {
                if (CHAMP.equals(r.key())) {
                    published.add(Json.read(r.value(), EvaluationCompleted.class));
                }
            }
        }
        // ours for v3, then v1 and v2 as they were stored, then v4's failure: nothing twice, nothing new for v1 to v3
        assertThat(published).extracting(EvaluationCompleted::eventId)
                .containsExactly(stored3.eventId(), stored1.eventId(), stored2.eventId(), published.get(3).eventId());
        assertThat(published.get(1)).isEqualTo(stored1);
        assertThat(published.get(2)).isEqualTo(stored2);
        assertThat(published.get(3).status()).isEqualTo(EvaluationCompleted.FAILED);
        assertThat(published.get(3).failureReason()).startsWith("checksum mismatch");

        assertThat(registry.getVersion(CHAMP, 1).evaluations()).containsExactly(stored1);
        assertThat(registry.alias(CHAMP, "champion")).map(ModelVersion::version).contains(3);
        JsonPath stats = JsonPath.from(get(registryUrl + "/_fake/stats"));
        assertThat(stats.getInt("evaluationPosts") - statsBefore.getInt("evaluationPosts")).as("only v4's failure is posted").isEqualTo(1);
        assertThat(stats.getInt("aliasPuts") - statsBefore.getInt("aliasPuts")).as("champion set to v1, then v3").isEqualTo(2);

        Map<String, Double> after = metrics();
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"republished\"}")).isEqualTo(2);
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"skipped\"}")).isEqualTo(2);
        assertThat(delta(metricsBefore, after, "ssl_eval_evaluations_total{status=\"failed\"}")).isEqualTo(1);
        assertThat(delta(metricsBefore, after, "ssl_eval_stage_duration_seconds_count{stage=\"features\"}")).as("nothing computed").isZero();
        assertThat(after).containsEntry("ssl_eval_champion_version{model=\"" + CHAMP + "\"}", 3.0)
                .containsEntry("ssl_eval_champion_moves_total{model=\"" + CHAMP + "\"}", 2.0)
                .containsEntry("ssl_eval_champion_accuracy{model=\"" + CHAMP + "\",protocol=\"linear\"}", 0.81);

        JsonPath status = RestAssured.get("/api/v1/status").then().statusCode(200).extract().jsonPath();
        assertThat(status.getList("seen.findAll { it.model == '" + CHAMP + "' }.state"))
                .containsExactly("failed", "skipped", "republished", "skipped", "republished");
        assertThat(status.getInt("champions.'" + CHAMP + "'.version")).isEqualTo(3);
        assertThat(status.getInt("champions.'" + CHAMP + "'.candidate")).isEqualTo(3);
    }

    static final java.util.Set<String> OURS = java.util.Set.of(GOOD, BAD, "garbage");

    /** An evaluation of {@link #CHAMP} as a process that crashed afterwards stored it. */
    private static EvaluationCompleted stored(int version, String sha, double linear) {
        List<ProtocolResult> results = List.of(
                new ProtocolResult("linear", Evaluator.ENCODER, Map.of("train_size", 4000), linear, 0, 1.5),
                new ProtocolResult("knn@20", Evaluator.ENCODER, Map.of("k", 20), 0.7, 0, 0.5),
                new ProtocolResult("linear", Evaluator.RAW_PIXELS, Map.of("train_size", 4000), 0.79, 0, 3));
        return new EvaluationCompleted(EvaluationCompleted.SCHEMA_VERSION, UUID.randomUUID(),
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), CHAMP, version, sha, DATASET,
                EvaluationCompleted.SUCCEEDED, null, results, 42);
    }

    private static double accuracy(EvaluationCompleted e, String featureSet, String protocol) {
        return e.results().stream().filter(r -> r.featureSet().equals(featureSet) && r.protocol().equals(protocol))
                .findFirst().orElseThrow().accuracy();
    }

    /** The service's Prometheus samples, {@code name{labels}} to value. */
    private static Map<String, Double> metrics() {
        Map<String, Double> m = new java.util.HashMap<>();
        for (String line : RestAssured.get("/q/metrics").asString().split("\n")) {
            if (line.startsWith("ssl_")) {
                int space = line.lastIndexOf(' ');
                m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return m;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        assertThat(after).containsKey(sample);
        return after.get(sample) - before.getOrDefault(sample, 0.0);
    }

    private static int version(RegistryClient registry, String model, String sha) {
        return registry.createVersion(model, new CreateVersionRequest(sha,
                TestCheckpoints.manifest(model, Encoders.smallCnn(), TestCheckpoints.FMNIST), Map.of())).version();
    }

    private static CheckpointPublished event(String model, int version, String sha, long size) {
        return new CheckpointPublished(CheckpointPublished.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), model, version,
                "run-test", "simclr", Encoders.SMALL_CNN, 10, 2560, sha, size);
    }

    private static void fault(String registryUrl, String path, int times) throws Exception {
        String q = "method=GET&status=503&times=" + times + "&path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registryUrl + "/_fake/faults?" + q))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
