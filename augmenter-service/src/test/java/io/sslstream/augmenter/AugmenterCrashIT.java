package io.sslstream.augmenter;

import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.kafka.InProcessKafka;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The augmenter service's own jar, killed with SIGKILL twice while it works through a backlog (no shutdown, batches in
 * flight, sends unanswered, offsets not committed), then restarted each time; afterwards the counts are reconciled
 * from the topics: every raw sample has its view set, a sample augmented twice has byte-identical view sets (views are
 * a pure function of the record), nothing went to the dead-letter topic, and the group's offsets reach the end of the
 * input. This is the guarantee "an input is acknowledged only behind its stored outputs", tested where it can break.
 */
class AugmenterCrashIT {

    static final int SAMPLES = 60_000;
    static final int PARTITIONS = 4;
    static final String GROUP = "ssl-augmenter";
    static final Path WORK = Path.of("target/crash-it-" + System.currentTimeMillis()).toAbsolutePath();

    static InProcessKafka kafka;
    /** One admin client for the test's offset reads (every 20 ms while it waits for the moment to kill). */
    static Admin admin;

    @BeforeAll
    static void broker() throws Exception {
        Files.createDirectories(WORK);
        kafka = InProcessKafka.start();
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of(Topics.SAMPLES_RAW, PARTITIONS, Topics.views("simclr"), PARTITIONS,
                Topics.SAMPLES_DLQ, 1));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        // the first 4,000 Fashion-MNIST images, each sent 15 times under its own id (its own seed, so its own views)
        FashionMnist.Split data = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 4000);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < SAMPLES; i++) {
                String id = "crash-it/" + i;
                RawSample s = RawSample.pixels(id, "crash-it", "", 28, 28, 1, data.images().item(i % 4000));
                p.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()));
            }
            p.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void twoKillsMidStreamLoseNoSampleAndChangeNoView() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the augmenter's jar (package phase)").isRegularFile();
        ServiceProcess augmenter = ServiceProcess.builder("augmenter", jar, ServiceProcess.freePort(), WORK.resolve("augmenter.log"))
                .jvmOptions("-Xmx512m")
                .property("kafka.bootstrap.servers", kafka.bootstrapServers())
                // small batches committed often: many batches in flight and uncommitted at any moment of a kill
                .property("ssl.augmenter.stream.max-batch", "64")
                .property("ssl.augmenter.stream.commit-interval", "100ms")
                // the killed process stays in the group until its session times out (45 s by default): 6 s, the
                // broker's minimum, so that the restarted one gets the partitions sooner
                .property("kafka.session.timeout.ms", "6000")
                .start();
        try {
            for (long killAt : List.of(SAMPLES / 6L, SAMPLES / 2L)) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    assertThat(augmenter.isAlive()).as("augmenter died by itself; see %s", augmenter.log()).isTrue();
                    return viewsStored() >= killAt;
                });
                long stored = viewsStored();
                assertThat(augmenter.kill(Duration.ofSeconds(30))).isTrue();
                assertThat(stored).as("killed mid-stream, not after the backlog was done").isLessThan(SAMPLES);
                augmenter.relaunch();
            }
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> committed() >= SAMPLES);
        } finally {
            augmenter.stop(Duration.ofSeconds(30));
        }

        // the SHA-256 of each sample's first view set: 32 bytes a sample instead of its whole view set
        Map<String, String> first = new HashMap<>();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        int duplicates = 0;
        int records = 0;
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(Topics.views("simclr"), PARTITIONS);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    records++;
                    ViewSet set = ViewSet.decode(r.value());
                    assertThat(r.key()).isEqualTo(set.sampleId());
                    String digest = java.util.HexFormat.of().formatHex(sha.digest(r.value()));
                    String earlier = first.putIfAbsent(set.sampleId(), digest);
                    if (earlier != null) {
                        duplicates++;
                        assertThat(digest).as("the two view sets of %s", set.sampleId()).isEqualTo(earlier);
                    }
                }
            }
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < SAMPLES; i++) {
            expected.add("crash-it/" + i);
        }
        Set<String> missing = expected.stream().filter(id -> !first.containsKey(id)).collect(Collectors.toSet());
        assertThat(missing).as("samples without a view set after two kills").isEmpty();
        assertThat(first.keySet()).isEqualTo(expected);
        assertThat(records).isEqualTo(SAMPLES + duplicates);
        assertThat(endOffset(Topics.SAMPLES_DLQ, 1)).as("dead letters").isZero();
        // a kill re-augments what was in flight or settled since the last commit: far fewer than the backlog
        assertThat(duplicates).as("view sets made twice").isLessThan(SAMPLES / 4);
        System.out.printf("AugmenterCrashIT: %,d samples, %,d view sets, %,d made twice after 2 kills%n", SAMPLES, records, duplicates);
    }

    static long viewsStored() throws Exception {
        return endOffset(Topics.views("simclr"), PARTITIONS);
    }

    static long endOffset(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = partitions(topic, partitions).stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    /** The augmenter group's committed offsets on the raw topic, summed. */
    static long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.SAMPLES_RAW) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    static List<TopicPartition> partitions(String topic, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(p -> new TopicPartition(topic, p)).toList();
    }

    static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
