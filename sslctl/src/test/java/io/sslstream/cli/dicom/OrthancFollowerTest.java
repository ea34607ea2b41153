package io.sslstream.cli.dicom;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.kafka.InProcessKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Orthanc connector against a real Orthanc (Debian's {@code orthanc}, started here on a free port with its own
 * storage) and a real Kafka broker (in-process KRaft): real medical files from python3-pydicom and files made here.
 * Orthanc and pydicom's files are required: without them this fails, it does not skip.
 */
class OrthancFollowerTest {

    static final Path PYDICOM = DicomFileTest.PYDICOM;
    static final String LEAK_NAME = "Quixotefrost^Zebulon";
    /** Everything of the patient the made files carry; none may appear anywhere. */
    static final List<String> PATIENT_DATA = List.of("Quixotefrost", "Zebulon", "PID-LEAK-7734", "19230417",
            "ACC-LEAK-9931", "Leakwood");
    static final byte[] KEY = "test-key-0123456789abcdef-000000".getBytes(StandardCharsets.US_ASCII);

    static InProcessKafka kafka;
    static OrthancProcess orthanc;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        assertThat(OrthancProcess.installed()).as("Orthanc (apt-get install -y orthanc)").isTrue();
        kafka = InProcessKafka.start();
        io.sslstream.kafka.TopicAdmin.ensureTopics(kafka.bootstrapServers(), Map.of(Topics.SAMPLES_RAW, 2, Topics.SAMPLES_DLQ, 1));
        orthanc = OrthancProcess.start(work.resolve("orthanc"), work.resolve("orthanc.log"));
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A follower on its own thread, its log kept. */
    static final class Running implements AutoCloseable {
        final OrthancFollower follower;
        final AtomicBoolean keepGoing = new AtomicBoolean(true);
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread;

        Running(String name, String dataset) throws Exception {
            follower = new OrthancFollower(orthanc.client(), kafka.bootstrapServers(), new DicomIds(KEY, dataset),
                    new OrthancFollower.Settings(name, 50, Duration.ofMillis(200), Duration.ofSeconds(2), 1_000_000),
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            thread = new Thread(() -> {
                try {
                    follower.start();
                    follower.run(keepGoing::get);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "follower-" + name);
            thread.start();
        }

        String log() {
            return log.toString(StandardCharsets.UTF_8);
        }

        /** Waits until the follower has committed up to Orthanc's last change. */
        void awaitCaughtUp() {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(failure.get()).isNull();
                long last = orthanc.client().changes(0, 0).path("Last").asLong();
                assertThat(follower.cursor()).isEqualTo(last);
            });
        }

        @Override
        public void close() throws Exception {
            keepGoing.set(false);
            thread.join(60_000);
            follower.close();
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void everyFrameOnceBadInstancesDeadLetteredAndNoPatientDataInAnyRecordHeaderOrLog() throws Exception {
        String dataset = "pacs-one";
        DicomIds ids = new DicomIds(KEY, dataset);
        short[] three = new short[3 * 8 * 8];
        for (int i = 0; i < three.length; i++) {
            three[i] = (short) (i * 7 - 300);
        }
        String made = "1.2.826.0.1.3680043.2.1125.77.1";
        String absurd = "1.2.826.0.1.3680043.2.1125.77.2";
        orthanc.client().upload(PYDICOM.resolve("CT_small.dcm"));
        orthanc.client().upload(PYDICOM.resolve("MR_small_RLE.dcm")); // RLE: Orthanc decodes it
        orthanc.client().upload(DicomWriter.image16(made, LEAK_NAME, 8, 8, 3, true, three).bytes());
        orthanc.client().upload(PYDICOM.resolve("SC_rgb_rle_2frame.dcm")); // 8-bit RGB, 2 frames
        orthanc.client().upload(PYDICOM.resolve("JPEG2000.dcm")); // Debian's Orthanc has no JPEG 2000 decoder
        orthanc.client().upload(PYDICOM.resolve("rtdose.dcm")); // 32-bit dose grid
        orthanc.client().upload(PYDICOM.resolve("test-SR.dcm")); // a structured report: no pixels
        orthanc.client().upload(DicomWriter.image16(absurd, LEAK_NAME, 2, 2, 1, false, new short[4])
                .us(0x00280010, 65535).us(0x00280011, 65535).bytes());

        Running r = new Running("one", dataset);
        r.awaitCaughtUp();
        r.close();

        String ct = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        String mr = "1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457";
        String rgb = "1.2.826.0.1.3680043.8.498.49043964482360854182530167603505525116";
        Map<String, Integer> raw = count(readAll(Topics.SAMPLES_RAW, true), k -> k.startsWith(dataset + "/"));
        assertThat(raw).containsOnlyKeys(ids.sampleId(ct, 0), ids.sampleId(mr, 0), ids.sampleId(made, 0),
                ids.sampleId(made, 1), ids.sampleId(made, 2), ids.sampleId(rgb, 0), ids.sampleId(rgb, 1));
        assertThat(raw.values()).containsOnly(1);

        // Orthanc's decoding is the reader's: CT as stored, RLE-compressed MR as the uncompressed file
        Map<String, RawSample> samples = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : readAll(Topics.SAMPLES_RAW, true)) {
            samples.put(new String(rec.key(), StandardCharsets.UTF_8), RawSample.decode(rec.value()));
        }
        RawSample ctSample = samples.get(ids.sampleId(ct, 0));
        assertThat(ctSample.contentType()).isEqualTo(RawSample.PIXELS_16);
        assertThat(ctSample.sourceUri()).isEmpty();
        Pixels16 ctFrame = Pixels16.decode(ctSample.payload(), 128, 128);
        assertThat(ctFrame.values()).isEqualTo(DicomFile.read(Files.readAllBytes(PYDICOM.resolve("CT_small.dcm")), 1_000_000).frame16(0));
        assertThat(ctFrame.rescaleIntercept()).isEqualTo(-1024);
        Pixels16 mrFrame = Pixels16.decode(samples.get(ids.sampleId(mr, 0)).payload(), 64, 64);
        assertThat(mrFrame.values()).isEqualTo(DicomFile.read(Files.readAllBytes(PYDICOM.resolve("MR_small.dcm")), 1_000_000).frame16(0));
        assertThat(mrFrame.windowCenter()).isEqualTo(600);
        Pixels16 third = Pixels16.decode(samples.get(ids.sampleId(made, 2)).payload(), 8, 8);
        assertThat(third.stored(0)).isEqualTo(three[128]);
        assertThat(samples.get(ids.sampleId(rgb, 1)).channels()).isEqualTo(3);

        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : readAll(Topics.SAMPLES_DLQ, true)) {
            if (rec.key() != null && new String(rec.key(), StandardCharsets.UTF_8).startsWith(dataset + "/")) {
                reasons.put(new String(rec.key(), StandardCharsets.UTF_8), header(rec, Topics.HEADER_DLQ_REASON));
                assertThat(rec.value()).isEmpty();
                assertThat(header(rec, Topics.HEADER_DLQ_STAGE)).isEqualTo(OrthancFollower.STAGE);
                assertThat(header(rec, Topics.HEADER_DLQ_SOURCE)).matches("orthanc/changes/\\d+");
            }
        }
        assertThat(reasons).containsEntry(dataset + "/" + ids.pseudonym("1.3.6.1.4.1.5962.1.1.8.1.3.20040826185059.5457"),
                DicomException.UNDECODABLE);
        assertThat(reasons).containsEntry(dataset + "/" + ids.pseudonym(absurd), DicomException.TOO_LARGE);
        assertThat(reasons.values()).containsExactlyInAnyOrder(DicomException.UNDECODABLE, DicomException.TOO_LARGE,
                DicomException.UNSUPPORTED_PIXELS, DicomException.NO_PIXEL_DATA);
        assertThat(r.log()).contains("dead-lettered: dicom.undecodable").contains("1.2.840.10008.1.2.4.91");

        // the leak test: every record of every topic the connector writes, aborted ones too, and its log
        List<String> forbidden = new ArrayList<>(PATIENT_DATA);
        forbidden.addAll(List.of(ct, mr, made, absurd, rgb));
        for (String topic : List.of(Topics.SAMPLES_RAW, Topics.SAMPLES_DLQ, OrthancFollower.CURSOR_TOPIC)) {
            for (ConsumerRecord<byte[], byte[]> rec : readAll(topic, false)) {
                List<byte[]> parts = new ArrayList<>();
                parts.add(rec.key() == null ? new byte[0] : rec.key());
                parts.add(rec.value() == null ? new byte[0] : rec.value());
                for (Header h : rec.headers()) {
                    parts.add(h.key().getBytes(StandardCharsets.UTF_8));
                    parts.add(h.value());
                }
                for (byte[] part : parts) {
                    String s = new String(part, StandardCharsets.ISO_8859_1);
                    for (String f : forbidden) {
                        assertThat(s).as("a record of %s", topic).doesNotContain(f);
                    }
                }
            }
        }
        for (String f : forbidden) {
            assertThat(r.log()).doesNotContain(f);
        }
        // ...and the names did reach Orthanc, so the test could have seen them leak
        assertThat(Files.walk(work.resolve("orthanc/storage")).filter(Files::isRegularFile).anyMatch(p -> {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains("Quixotefrost");
            } catch (java.io.IOException e) {
                return false;
            }
        })).isTrue();
    }

    @Test
    void aRestartNeitherSkipsNorDuplicatesAndAnOrthancOutageMidInstanceAbortsItsTransaction() throws Exception {
        String dataset = "pacs-two";
        DicomIds ids = new DicomIds(KEY, dataset);
        String a = "1.2.826.0.1.3680043.2.1125.78.1";
        String b = "1.2.826.0.1.3680043.2.1125.78.2";
        String c = "1.2.826.0.1.3680043.2.1125.78.3";
        String d = "1.2.826.0.1.3680043.2.1125.78.4";
        orthanc.client().upload(DicomWriter.image16(a, LEAK_NAME, 16, 16, 1, false, new short[256]).bytes());

        try (Running first = new Running("two", dataset)) {
            first.awaitCaughtUp();
        }
        int frames = 1000;
        short[] many = new short[frames * 64 * 64];
        for (int i = 0; i < many.length; i++) {
            many[i] = (short) (i % 4096);
        }
        orthanc.client().upload(DicomWriter.image16(b, LEAK_NAME, 64, 64, frames, false, many).bytes());
        orthanc.client().upload(DicomWriter.image16(c, LEAK_NAME, 16, 16, 1, false, new short[256]).bytes());

        Running second = new Running("two", dataset);
        // Orthanc dies while the 1000-frame instance is being sent: its transaction is aborted, then sent again
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() ->
                count(readAll(Topics.SAMPLES_RAW, false), k -> k.startsWith(dataset + "/" + ids.pseudonym(b))).size() > 0);
        orthanc.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("unreachable or failing"));
        orthanc.restart();
        orthanc.client().upload(DicomWriter.image16(d, LEAK_NAME, 16, 16, 1, false, new short[256]).bytes());
        second.awaitCaughtUp();
        second.close();

        // a new connector reads Orthanc's whole feed: the other tests' instances are there too, each once as well
        Map<String, Integer> everything = count(readAll(Topics.SAMPLES_RAW, true), k -> k.startsWith(dataset + "/"));
        assertThat(everything.values()).as("frames sent more than once").containsOnly(1);
        List<String> mine = List.of(a, b, c, d).stream().map(u -> dataset + "/" + ids.pseudonym(u) + "/").toList();
        Map<String, Integer> committed = count(readAll(Topics.SAMPLES_RAW, true), k -> mine.stream().anyMatch(k::startsWith));
        assertThat(committed.size()).isEqualTo(frames + 3);
        assertThat(committed).containsKeys(ids.sampleId(a, 0), ids.sampleId(b, 0), ids.sampleId(b, frames - 1),
                ids.sampleId(c, 0), ids.sampleId(d, 0));
        // the aborted attempt is in the log of the topic, invisible to read_committed readers
        Map<String, Integer> all = count(readAll(Topics.SAMPLES_RAW, false), k -> k.startsWith(dataset + "/" + ids.pseudonym(b)));
        assertThat(all.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(frames);
        assertThat(second.follower.stats().retries()).isPositive();
    }

    @Test
    void backsOffWhileOrthancIsDownAndStartsWhenItComes() throws Exception {
        String dataset = "pacs-three";
        DicomIds ids = new DicomIds(KEY, dataset);
        orthanc.stop();
        try (Running r = new Running("three", dataset)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> r.log().contains("unreachable or failing"));
            Thread.sleep(2500);
            assertThat(r.follower.stats().retries()).isGreaterThanOrEqualTo(2);
            orthanc.restart();
            String e = "1.2.826.0.1.3680043.2.1125.79.1";
            orthanc.client().upload(DicomWriter.image16(e, LEAK_NAME, 16, 16, 1, true, new short[256]).bytes());
            r.awaitCaughtUp();
            Map<String, Integer> sent = count(readAll(Topics.SAMPLES_RAW, true), k -> k.startsWith(dataset + "/"));
            assertThat(sent).containsEntry(ids.sampleId(e, 0), 1);
            assertThat(sent.values()).containsOnly(1);
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean committedOnly) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static Map<String, Integer> count(List<ConsumerRecord<byte[], byte[]>> records, Predicate<String> key) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String k = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (key.test(k)) {
                counts.merge(k, 1, Integer::sum);
            }
        }
        return counts;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
