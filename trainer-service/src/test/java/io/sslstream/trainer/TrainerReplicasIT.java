package io.sslstream.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import io.sslstream.trainer.sync.SyncRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One run on two trainer processes (the trainer's own jar, one libtorch thread each) synchronised with DiLoCo over a
 * real broker, with a real registry for checkpoints: both hold the same weights after every round, the loss falls,
 * each view partition is read by one replica; replica 1 killed with SIGKILL mid-run is left out of the rounds that
 * follow while replica 0 goes on alone, and a new replica 1 process (an empty spool: a new pod) resumes from the
 * checkpoint replica 0 wrote, replays the rounds since from the sync topic, and takes part again with the same weights.
 */
class TrainerReplicasIT {

    static final String MODEL = "replicas-it";
    static final String RUN = "replicas-run";
    static final int BATCH = 16;
    static final int EVERY = 5;
    static final int RECORDS = 2000;
    static final int COPIES = 4;
    static final Path WORK = Path.of("target/replicas-it-" + System.currentTimeMillis()).toAbsolutePath();
    static final Pattern ROUND_LINE = Pattern.compile("round (\\d+): members \\[([0-9, ]*)] \\((\\w+)\\), sync [0-9.]+ s, \\d+ KiB sent, "
            + "weights ([0-9a-f]{12})");

    static InProcessKafka kafka;
    static ServiceProcess registryProcess;
    static RegistryClient registry;
    static int registryPort;

    @BeforeAll
    static void broker() throws Exception {
        assertThat(TrainerResumeIT.REGISTRY_JAR).as("registry-service's application (built first by the reactor)").isRegularFile();
        Files.createDirectories(WORK);
        kafka = InProcessKafka.start();
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of(Topics.views("simclr"), 2, Topics.SAMPLES_DLQ, 1,
                Topics.CHECKPOINTS, 1));
        registryPort = ServiceProcess.freePort();
        registry = new RegistryClient(URI.create("http://localhost:" + registryPort), null, Duration.ofMinutes(2));
        registryProcess = TrainerResumeIT.registry(WORK, kafka.bootstrapServers(), registryPort).start();
        FashionMnist.Split data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", RECORDS);
        SplittableRandom rnd = new SplittableRandom(3);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int copy = 0; copy < COPIES; copy++) { // new random views of each image every copy
                for (int i = 0; i < RECORDS; i++) {
                    String id = "fashion-mnist/train/" + i + "/" + copy;
                    p.send(new ProducerRecord<>(Topics.views("simclr"), i % 2, id,
                            TestViews.twoViews(id, data.images().item(i), rnd).encode(), TestViews.dataset("fashion-mnist")));
                }
            }
            p.flush();
        }
        registryProcess.awaitReady(Duration.ofMinutes(3));
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
    void twoReplicasTrainOneRunAndAKilledReplicaRejoinsWithTheGroupsWeights() throws Exception {
        TrainerResumeIT.Trainer a = replica("a", 0);
        TrainerResumeIT.Trainer b = replica("b", 1);
        a.awaitStatus(s -> round(s) >= 6 && members(s).size() == 2, Duration.ofMinutes(5));
        b.awaitStatus(s -> round(s) >= 6, Duration.ofMinutes(2));

        b.kill(); // SIGKILL, mid-round or mid-sync: no shutdown, no last record
        long killedAt = round(a.status());
        // replica 0 goes on alone: its rounds close at the deadline, without replica 1
        a.awaitStatus(s -> round(s) >= killedAt + 3 && members(s).equals(List.of(0)), Duration.ofMinutes(3));
        assertThat(a.log()).containsPattern("round \\d+: members \\[0] \\(timeout\\)");

        // a new replica 1 (a new pod: empty spool) resumes from replica 0's checkpoint and replays the rounds since
        TrainerResumeIT.Trainer b2 = replica("b2", 1);
        b2.awaitStatus(s -> members(s).equals(List.of(0, 1)) && round(s) >= 2, Duration.ofMinutes(4));
        long rejoined = round(b2.status());
        a.awaitStatus(s -> round(s) >= rejoined + 1, Duration.ofMinutes(2));
        JsonNode last = a.status();
        String metrics = a.process().get("/q/metrics", Duration.ofSeconds(10)).orElseThrow();
        a.stop();
        b2.stop();

        assertThat(b2.log()).contains("resumes from step").containsPattern("after round \\d+ \\(\\d+ replayed\\)");
        Map<Long, String> hashesA = rounds(a.log());
        Map<Long, String> hashesB = rounds(b.log());
        Map<Long, String> hashesB2 = rounds(b2.log());
        assertThat(hashesB.keySet()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(hashesB2.keySet()).isNotEmpty();
        for (Map<Long, String> other : List.of(hashesB, hashesB2)) {
            other.forEach((round, hash) -> {
                if (hashesA.containsKey(round)) {
                    assertThat(hash).as("weights after round %d", round).isEqualTo(hashesA.get(round));
                }
            });
        }
        assertThat(hashesB2.keySet()).as("rounds both replicas took part in after the restart").anyMatch(hashesA::containsKey);

        // every sync meter the dashboard queries is exported by a replica (LocalStackIT checks the others)
        Matcher used = Pattern.compile("ssl_trainer_sync_[a-z_]+").matcher(Files.readString(Path.of("../k8s/base/monitoring/dashboard.json")));
        Set<String> names = new java.util.TreeSet<>();
        while (used.find()) {
            names.add(used.group());
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(5);
        assertThat(names).allSatisfy(n -> assertThat(metrics).contains(n + "{"));
        assertThat(metrics).containsPattern("ssl_trainer_sync_rounds_total\\{[^}]*replica=\"0\"[^}]*} [1-9]");

        // the loss fell
        assertThat(last.path("loss").asDouble()).isLessThan(last.path("initialLoss").asDouble() - 0.2);

        // each view partition is read by one replica at a time: between rounds 5 and 6 (the group settled, nobody
        // killed yet), the partitions each replica's read offsets moved on are its own (the sync records say them)
        Map<Integer, Map<Long, Map<String, Long>>> readByReplica = new TreeMap<>();
        for (SyncRecord r : syncRecords()) {
            if (r.type() == SyncRecord.Type.DELTA && r.chunk() == 0 && (r.round() == 5 || r.round() == 6)) {
                readByReplica.computeIfAbsent(r.replica(), k -> new TreeMap<>()).putIfAbsent(r.round(), r.offsets());
            }
        }
        assertThat(readByReplica.keySet()).containsExactly(0, 1);
        List<Set<String>> moved = new java.util.ArrayList<>();
        for (Map<Long, Map<String, Long>> byRound : readByReplica.values()) {
            assertThat(byRound.keySet()).containsExactly(5L, 6L);
            Set<String> m = new HashSet<>();
            byRound.get(6L).forEach((k, v) -> {
                if (v > byRound.get(5L).getOrDefault(k, 0L)) {
                    m.add(k);
                }
            });
            moved.add(m);
        }
        assertThat(moved.get(0)).hasSize(1);
        assertThat(moved.get(1)).hasSize(1).doesNotContainAnyElementsOf(moved.get(0));

        // the checkpoints: one version per step (one replica writes them), recording N and H
        List<ModelVersion> versions = registry.listVersions(MODEL, 0, 100).items().stream().filter(v -> v.runId().equals(RUN)).toList();
        assertThat(versions).isNotEmpty();
        assertThat(versions.stream().map(ModelVersion::step).distinct().count()).isEqualTo(versions.size());
        CheckpointManifest m = versions.stream().max(java.util.Comparator.comparingLong(ModelVersion::step)).orElseThrow().manifest();
        // the newest, written when replica 0 stopped (mid-round or at a round's end), holds that round's group weights
        long checkpointRound = Long.parseLong(m.provenance().get(CheckpointManifest.Provenance.SYNC_ROUND));
        assertThat(hashesA).containsKey(checkpointRound);
        assertThat(m.provenance().get(CheckpointManifest.Provenance.WEIGHTS_HASH)).startsWith(hashesA.get(checkpointRound));
        assertThat(checkpointRound).isGreaterThanOrEqualTo(rejoined);
        assertThat(m.provenance()).containsEntry(CheckpointManifest.Provenance.REPLICAS, "2")
                .containsEntry(CheckpointManifest.Provenance.SYNC_EVERY, Integer.toString(EVERY))
                .containsKey(CheckpointManifest.Provenance.WEIGHTS_HASH);
    }

    static TrainerResumeIT.Trainer replica(String name, int id) {
        ServiceProcess process = TrainerResumeIT.trainer(name, WORK, kafka.bootstrapServers(), registryPort, MODEL, RUN, BATCH,
                        WORK.resolve("spool-" + name))
                .property("ssl.trainer.threads", "1")
                .property("ssl.trainer.replicas", "2")
                .property("ssl.trainer.replica-id", Integer.toString(id))
                .property("ssl.trainer.sync.every", Integer.toString(EVERY))
                .property("ssl.trainer.sync.timeout", "8s")
                .property("ssl.trainer.checkpoint.every-steps", "10")
                .property("ssl.trainer.checkpoint.interval", "0")
                // a killed replica's partition moves to the other within seconds, not Kafka's default 45
                .property("mp.messaging.incoming.views.session.timeout.ms", "10000")
                .start();
        return new TrainerResumeIT.Trainer(name, process);
    }

    static long round(JsonNode status) {
        return status.path("sync").path("round").asLong(-1);
    }

    static List<Integer> members(JsonNode status) {
        List<Integer> m = new java.util.ArrayList<>();
        status.path("sync").path("members").forEach(n -> m.add(n.asInt()));
        return m;
    }

    /** Round to the weights hash a replica logged after it. */
    static Map<Long, String> rounds(String log) {
        Map<Long, String> m = new TreeMap<>();
        Matcher x = ROUND_LINE.matcher(log);
        while (x.find()) {
            m.put(Long.parseLong(x.group(1)), x.group(4));
        }
        return m;
    }

    static List<SyncRecord> syncRecords() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("ssl.trainer.sync", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<SyncRecord> all = new java.util.ArrayList<>();
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    all.add(SyncRecord.from(r));
                }
            }
            return all;
        }
    }
}
