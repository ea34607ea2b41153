package io.sslstream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.kafka.LocalProcesses;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import io.sslstream.model.BuildInfo;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.trainer.optim.Optimizer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resume for real: the trainer's own jar runs twice against a real registry (its jar, its own JVM) and a real Kafka
 * broker. The first process trains run {@value #RUN} to step 40 and is stopped right after its checkpoint; the second,
 * with an empty spool (a new pod), finds that checkpoint in the registry, restores it and trains on to step 60. The
 * step counter continues from 40, the first losses after the restart are those of the checkpoint and not the initial
 * ones, and the consumer continued at the checkpoint's offsets.
 *
 * <p>Then two faults of issue #14, each on a run of its own: a trainer killed (SIGKILL) before its first checkpoint,
 * after its consumer had read far ahead of its training, is followed by one that trains from the first record (no view
 * skipped); a trainer killed between the registry's creation of a version and the deletion of its spool file is
 * followed by one that uploads that file again and gets the same version back (no version doubled).
 *
 * <p>Needs registry-service's application, {@code registry-service/target/quarkus-app} (system property
 * {@value #REGISTRY_APP}, set by this module's pom): this module depends on registry-service, so the reactor builds it
 * first, also with {@code ./mvnw -pl trainer-service -am verify}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainerResumeIT {

    static final String MODEL = "resume-it";
    static final String RUN = "resume-run";
    static final int BATCH = 32;
    static final int RECORDS = 2000;
    static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    static final Path WORK = Path.of("target/resume-it-" + System.currentTimeMillis()).toAbsolutePath();
    static final String REGISTRY_APP = "registry.app";
    static final Path REGISTRY_JAR = Path.of(System.getProperty(REGISTRY_APP,
            HOME.resolve("registry-service/target/quarkus-app/quarkus-run.jar").toString()));

    static InProcessKafka kafka;
    static ServiceProcess registryProcess;
    static RegistryClient registry;
    static int registryPort;

    @BeforeAll
    static void broker() throws Exception {
        assertThat(REGISTRY_JAR).as("registry-service's application %s is missing: build it through the reactor "
                + "(./mvnw -pl trainer-service -am verify builds registry-service first)", REGISTRY_JAR).isRegularFile();
        Files.createDirectories(WORK);
        kafka = InProcessKafka.start();
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of(Topics.views("simclr"), 1, Topics.SAMPLES_DLQ, 1,
                Topics.CHECKPOINTS, 1));
        registryPort = ServiceProcess.freePort();
        registry = new RegistryClient(URI.create("http://localhost:" + registryPort), null, Duration.ofMinutes(2));
        FashionMnist.Split data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", RECORDS);
        SplittableRandom rnd = new SplittableRandom(3);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                String id = "fashion-mnist/train/" + i;
                p.send(new ProducerRecord<>(Topics.views("simclr"), null, id, TestViews.twoViews(id, data.images().item(i), rnd).encode(),
                        TestViews.dataset("fashion-mnist")));
            }
            p.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (registryProcess != null) {
            registryProcess.stop(Duration.ofSeconds(30));
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1) // it starts the registry after its first trainer; the fault tests below reuse that registry
    void aRestartedTrainerContinuesItsRunFromTheRegistrysCheckpoint() throws Exception {
        // first process: started before the registry, so it must wait for it (retrying) before deciding to start fresh
        Trainer first = Trainer.start("first", 40, WORK.resolve("spool-first"));
        registryProcess = startRegistry();
        first.awaitStatus(s -> s.path("step").asLong() >= 40 && "stopped".equals(s.path("state").asText()), Duration.ofMinutes(4));
        JsonNode before = first.status();
        ModelVersion at40 = awaitVersion(40);
        first.stop();
        assertThat(first.log()).contains("registry not reachable").contains("no checkpoint yet, starting fresh");
        assertThat(before.path("resumedFromStep").isNull()).isTrue();

        CheckpointManifest m40 = at40.manifest();
        double initialLoss = m40.metrics().get(CheckpointManifest.Metrics.INITIAL_LOSS);
        double lossAt40 = m40.metrics().get(CheckpointManifest.Metrics.LOSS);
        assertThat(m40.offsets()).containsEntry(Topics.views("simclr") + "/0", 40L * BATCH);
        Path blob = WORK.resolve("v40.zip");
        registry.downloadWeights(MODEL, at40.version(), blob);
        assertThat(CheckpointArchive.entries(blob)).containsKeys(CheckpointArchive.ENCODER, "head.params", Optimizer.ENTRY);

        // second process: a new spool (a new pod); the checkpoint comes from the registry
        Trainer second = Trainer.start("second", 60, WORK.resolve("spool-second"));
        second.awaitStatus(s -> s.path("step").asLong() >= 50, Duration.ofMinutes(4));
        JsonNode resumed = second.status(); // its initialLoss is the mean of the first 10 steps after the restart
        second.awaitStatus(s -> s.path("step").asLong() >= 60 && "stopped".equals(s.path("state").asText()), Duration.ofMinutes(4));
        ModelVersion at60 = awaitVersion(60);
        second.stop();

        assertThat(second.log()).contains("resumes from step 40 (" + MODEL + " version " + at40.version() + " from the registry)")
                .contains("resumed " + Topics.views("simclr") + "-0 at offset " + 40 * BATCH);
        assertThat(resumed.path("resumedFromStep").asLong()).isEqualTo(40);
        assertThat(resumed.path("resumedLoss").asDouble()).isEqualTo(lossAt40);
        assertThat(second.log()).doesNotContain("changed hyperparameters");

        // the step counter and the samples continue; the consumer went on from the checkpoint's offsets
        assertThat(at60.step()).isEqualTo(60);
        assertThat(at60.samplesSeen()).isEqualTo(60L * BATCH);
        assertThat(at60.manifest().offsets()).containsEntry(Topics.views("simclr") + "/0", 60L * BATCH);
        assertThat(at60.manifest().metrics().get(CheckpointManifest.Metrics.INITIAL_LOSS)).isEqualTo(initialLoss);
        List<Long> steps = versions().stream().filter(v -> v.runId().equals(RUN)).map(ModelVersion::step).sorted().toList();
        assertThat(steps).containsExactly(10L, 20L, 30L, 40L, 50L, 60L); // no step published twice, none lost

        // the published checkpoints say what they were trained on and by which code; the resumed one where it resumed
        for (CheckpointManifest m : List.of(m40, at60.manifest())) {
            assertThat(m.provenance()).containsEntry(CheckpointManifest.Provenance.DATASET, "fashion-mnist")
                    .containsEntry(CheckpointManifest.Provenance.RECIPE, "test")
                    .containsEntry(CheckpointManifest.Provenance.RECIPE_VERSION, "1")
                    .containsEntry(CheckpointManifest.Provenance.CODE_VERSION, BuildInfo.codeVersion());
        }
        assertThat(m40.provenance()).doesNotContainKey(CheckpointManifest.Provenance.RESUMED_FROM_STEP);
        assertThat(at60.manifest().provenance()).containsEntry(CheckpointManifest.Provenance.RESUMED_FROM_STEP, "40");

        // the loss continues: the first losses after the restart are near the checkpoint's, far below the initial ones
        double firstAfterRestart = resumed.path("initialLoss").asDouble();
        assertThat(lossAt40).isLessThan(initialLoss - 0.3);
        assertThat(Math.abs(firstAfterRestart - lossAt40)).isLessThan(Math.abs(firstAfterRestart - initialLoss));
        assertThat(firstAfterRestart).isLessThan(initialLoss - 0.2);
    }

    @Test
    @Order(2)
    void aTrainerKilledBeforeItsFirstCheckpointIsFollowedByOneThatSkipsNoView() throws Exception {
        String run = "killed-early";
        // no checkpoint for a long time: the consumer reads all 2,000 records into the queue meanwhile
        Trainer first = Trainer.start("killed-early", run, 0, WORK.resolve("spool-killed-early"), 1000);
        first.awaitStatus(s -> s.path("step").asLong() >= 5, Duration.ofMinutes(4));
        first.kill();

        Trainer second = Trainer.start("after-early-kill", run, 20, WORK.resolve("spool-after-early-kill"), 10);
        second.awaitStatus(s -> s.path("step").asLong() >= 20 && "stopped".equals(s.path("state").asText()), Duration.ofMinutes(4));
        ModelVersion at20 = awaitVersion(run, 20);
        second.stop();

        assertThat(second.log()).contains("no checkpoint yet, starting fresh")
                .contains(Topics.views("simclr") + "-0 read from its beginning: no checkpoint to resume from");
        // trained from the first record on: offsets and samples agree, 20 steps of 32 from offset 0
        assertThat(at20.samplesSeen()).isEqualTo(20L * BATCH);
        assertThat(at20.manifest().offsets()).containsExactly(Map.entry(Topics.views("simclr") + "/0", 20L * BATCH));
    }

    @Test
    @Order(3)
    void aTrainerKilledAfterTheRegistryCreatedItsVersionDoesNotDoubleIt() throws Exception {
        String run = "killed-after-create";
        Path spool = WORK.resolve("spool-killed-after-create");
        Trainer first = Trainer.start("killed-after-create", run, 10, spool, 10,
                "-Dssl.failpoints=trainer.after-version-created=pause:120000");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> first.log().contains("failpoint reached: trainer.after-version-created"));
        first.kill();
        ModelVersion at10 = awaitVersion(run, 10);
        assertThat(spool.resolve(run + "-step000000010.ckpt.zip")).as("the spool file the killed trainer did not delete").isRegularFile();

        // the same pod restarted: same spool, which still holds the step-10 checkpoint the registry already has
        Trainer second = Trainer.start("after-create-kill", run, 20, spool, 10);
        second.awaitStatus(s -> s.path("step").asLong() >= 20 && "stopped".equals(s.path("state").asText()), Duration.ofMinutes(4));
        awaitVersion(run, 20);
        await().atMost(Duration.ofMinutes(1)).until(() -> second.status().path("pendingCheckpoints").asInt() == 0);
        second.stop();

        List<ModelVersion> mine = versions().stream().filter(v -> v.runId().equals(run)).toList();
        assertThat(mine).extracting(ModelVersion::step).containsExactly(10L, 20L); // one version per step
        assertThat(second.log()).contains("published checkpoint step 10 of run " + run + " as " + MODEL + " version " + at10.version());
    }

    static ModelVersion awaitVersion(String run, long step) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                versions().stream().anyMatch(v -> v.runId().equals(run) && v.step() == step));
        return versions().stream().filter(v -> v.runId().equals(run) && v.step() == step).findFirst().orElseThrow();
    }

    static ModelVersion awaitVersion(long step) {
        return awaitVersion(RUN, step);
    }

    static List<ModelVersion> versions() {
        try {
            List<ModelVersion> all = new ArrayList<>(registry.listVersions(MODEL, 0, 100).items());
            all.sort(Comparator.comparingInt(ModelVersion::version));
            return all;
        } catch (RegistryException e) {
            return List.of();
        }
    }

    static ServiceProcess startRegistry() throws InterruptedException {
        ServiceProcess p = registry(WORK, kafka.bootstrapServers(), registryPort).start();
        p.awaitReady(Duration.ofMinutes(3));
        return p;
    }

    /** The registry's own jar on {@code port}, its data and log in {@code work}. */
    static ServiceProcess.Builder registry(Path work, String bootstrap, int port) {
        return ServiceProcess.builder("registry", REGISTRY_JAR, port, work.resolve("registry.log"))
                .jvmOptions("-Xmx512m")
                .property("kafka.bootstrap.servers", bootstrap)
                .property("ssl.registry.data-dir", work.resolve("registry").toString());
    }

    /**
     * A trainer process of this module's jar for run {@code run} of model {@code model}: its log in {@code work}, its
     * spool, the registry on {@code registryPort}, a progress line every 10 steps; callers add their own settings.
     */
    static ServiceProcess.Builder trainer(String name, Path work, String bootstrap, int registryPort, String model, String run,
                                          int batch, Path spool) {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the trainer's jar (package phase)").isRegularFile();
        return ServiceProcess.builder("trainer " + name, jar, ServiceProcess.freePort(), work.resolve("trainer-" + name + ".log"))
                .jvmOptions("-Xmx768m", "-Dai.djl.offline=true")
                .property("kafka.bootstrap.servers", bootstrap)
                .property("ssl.trainer.model-name", model)
                .property("ssl.trainer.run-id", run)
                .property("ssl.trainer.batch-size", Integer.toString(batch))
                .property("ssl.trainer.log-every-steps", "10")
                .property("ssl.trainer.checkpoint.spool-dir", spool.toString())
                .property("ssl.trainer.checkpoint.registry-url", "http://localhost:" + registryPort)
                .env(LocalProcesses.LIBTORCH_ENV);
    }

    /** A trainer process: this module's Quarkus jar. */
    record Trainer(String name, ServiceProcess process) {

        static Trainer start(String name, long maxSteps, Path spool) {
            return start(name, RUN, maxSteps, spool, 10);
        }

        /** A trainer of {@code run}, checkpointing every {@code every} steps; {@code extra} are more {@code -D} options. */
        static Trainer start(String name, String run, long maxSteps, Path spool, int every, String... extra) {
            ServiceProcess process = trainer(name, WORK, kafka.bootstrapServers(), registryPort, MODEL, run, BATCH, spool)
                    .property("ssl.trainer.max-steps", Long.toString(maxSteps))
                    // a run planned for 60 steps: both processes follow the same cosine, the first stops at 40
                    .property("ssl.trainer.optim.schedule.total-steps", "60")
                    .property("ssl.trainer.threads", "2")
                    .property("ssl.trainer.checkpoint.every-steps", Integer.toString(every))
                    .property("ssl.trainer.checkpoint.interval", "0") // by steps only: the tests count them
                    .property("ssl.trainer.resume.max-backoff", "2s")
                    .jvmOptions(extra)
                    .start();
            return new Trainer(name, process);
        }

        /** {@code /api/v1/status}, or null while it does not answer. */
        JsonNode status() {
            return process.get("/api/v1/status", Duration.ofSeconds(5)).map(body -> Json.read(body, JsonNode.class))
                    .orElse(null);
        }

        void awaitStatus(Predicate<JsonNode> condition, Duration timeout) {
            await().atMost(timeout).pollInterval(Duration.ofMillis(300)).until(() -> {
                assertThat(process.isAlive()).as("trainer %s died; see %s", name, process.log()).isTrue();
                JsonNode s = status();
                assertThat(s == null || !"failed".equals(s.path("state").asText())).as("trainer %s failed: %s", name, s).isTrue();
                return Optional.ofNullable(s).map(condition::test).orElse(false);
            });
        }

        /** SIGKILL, as the kernel's OOM killer or a node failure would: no shutdown hook, no final checkpoint. */
        void kill() throws InterruptedException {
            assertThat(process.kill(Duration.ofSeconds(30))).isTrue();
        }

        void stop() {
            process.stop(Duration.ofSeconds(60));
        }

        String log() throws IOException {
            return Files.readString(process.log());
        }
    }
}
