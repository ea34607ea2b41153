package io.sslstream.augmenter.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaTestResource;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sslstream.augmenter.messaging.StreamFixture.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile input of issue #14 through the real broker, mixed with good samples: images within the byte and pixel
 * limits whose views could never fit a record (4096 x 4096: 17 KB of PNG that inflate to 48 MB), a decompression
 * bomb, a PNG with a bad CRC, sample ids that climb out of their folder, are too long or are not UTF-8, a dataset name
 * that REST refuses, a record keyed otherwise than its sample id. Every hostile record becomes exactly one dead letter
 * with its reason, every good one its views, and the hostile images are refused from their headers: they cost the
 * workers almost nothing and hold no good sample back.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class HostileInputStreamTest {

    static final String PREFIX = "hostile/";
    static final int GOOD = 80;
    static final int LARGE_PNGS = 18;

    @Inject
    Augmenter augmenter;

    @Inject
    SampleStream stream;

    /** A record to send; {@code reason} is null for a good sample. */
    record Sent(String key, byte[] value, String reason, String stage) {
    }

    @Test
    void hostileImagesAndIdsAreDeadLetteredFromTheirHeadersWhileTheGoodSamplesAroundThemComeOut() throws Exception {
        List<Sent> plan = plan();
        List<Sent> good = plan.stream().filter(s -> s.reason() == null).toList();
        List<Sent> bad = plan.stream().filter(s -> s.reason() != null).toList();
        StreamFixture.ensureTopics();
        Map<Long, Long> workerCpuBefore = workerCpuNanos();

        StreamFixture.produce(plan.stream().map(s -> (Map.Entry<String, byte[]>) new AbstractMap.SimpleEntry<>(s.key(), s.value())).toList());
        Map<String, Integer> expected = new LinkedHashMap<>();
        StreamFixture.VIEW_TOPICS.forEach(t -> expected.put(t, good.size()));
        expected.put(Topics.SAMPLES_DLQ, bad.size());
        Map<String, List<ConsumerRecord<String, byte[]>>> out = StreamFixture.consume(expected, k -> k.startsWith(PREFIX),
                Duration.ofMinutes(2));

        // every good sample, the unkeyed one included, once on every recipe's topic
        List<String> goodIds = good.stream().map(s -> s.key() == null ? PREFIX + "unkeyed" : s.key()).toList();
        for (String topic : StreamFixture.VIEW_TOPICS) {
            assertThat(out.get(topic)).as(topic).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(goodIds);
        }
        // every hostile record once in the dead-letter topic, as it was sent, with its reason
        List<ConsumerRecord<String, byte[]>> dead = out.get(Topics.SAMPLES_DLQ);
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(bad.stream().map(Sent::key).toList());
        Map<String, ConsumerRecord<String, byte[]>> deadByKey = new HashMap<>();
        dead.forEach(r -> deadByKey.put(r.key(), r));
        for (Sent s : bad) {
            ConsumerRecord<String, byte[]> r = deadByKey.get(s.key());
            assertThat(header(r, Topics.HEADER_DLQ_REASON)).as(s.key()).isEqualTo(s.reason());
            assertThat(header(r, Topics.HEADER_DLQ_STAGE)).as(s.key()).isEqualTo(s.stage());
            assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).as(s.key()).isNotBlank().hasSizeLessThan(1100);
            assertThat(r.value()).as(s.key()).isEqualTo(s.value());
            if (s.key().startsWith(PREFIX + "large/") || s.key().equals(PREFIX + "large-cut")) {
                // refused from the header: the cut one would otherwise have been decoded until it ran out of data
                assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).as(s.key()).contains("4096x4096", "before decoding");
            }
        }

        // no good sample was held back: the one right after each hostile record became views, and the consumer group
        // got to the end of the raw topic (its offset is committed only behind stored outputs)
        Set<String> viewKeys = new HashSet<>(out.get(Topics.views("simclr")).stream().map(ConsumerRecord::key).toList());
        for (int i = 0; i + 1 < plan.size(); i++) {
            if (plan.get(i).reason() != null && plan.get(i + 1).reason() == null && plan.get(i + 1).key() != null) {
                assertThat(viewKeys).as("the sample right after %s", plan.get(i).key()).contains(plan.get(i + 1).key());
            }
        }
        String group = (String) stream.consumerConfig().get(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition raw = new TopicPartition(Topics.SAMPLES_RAW, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StreamFixture.bootstrap()))) {
            long end = admin.listOffsets(Map.of(raw, OffsetSpec.latest())).partitionResult(raw).get().offset();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(raw))
                    .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(end));
        }
        // and cheaply: decoding the 18 large PNGs alone would cost the workers about half a CPU-second each (measured on
        // the development machine); refused from their headers, the whole batch costs them a small fraction of that.
        // CPU time, not wall time: a busy machine does not change it.
        long spent = workerCpuNanos().entrySet().stream()
                .mapToLong(e -> e.getValue() - workerCpuBefore.getOrDefault(e.getKey(), 0L)).sum();
        assertThat(Duration.ofNanos(spent)).as("CPU time of the augmenter's workers").isLessThan(Duration.ofSeconds(3));
        assertThat(augmenter.maxCpuTime()).as("the per-sample CPU time limit is configured").isPresent();
    }

    /** CPU time of each augmenter worker thread, by thread id. */
    static Map<Long, Long> workerCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("augmenter-worker-")) {
                cpu.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return cpu;
    }

    /** Good Fashion-MNIST samples with a hostile record after every fourth. */
    static List<Sent> plan() throws Exception {
        IdxFile images = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", GOOD + 1).images();
        byte[] large = TestSamples.blackPng(4096, 4096, 3);
        byte[] smallPng = TestSamples.encode(FuzzStreamTest.gray(images.item(0)), "png");
        String augment = RejectedSampleException.STAGE_AUGMENT;
        String decode = RejectedSampleException.STAGE_DECODE;
        List<Sent> hostile = new ArrayList<>();
        for (int i = 0; i < LARGE_PNGS; i++) {
            String id = PREFIX + "large/" + i;
            hostile.add(new Sent(id, TestSamples.encoded(id, SampleDecoder.PNG, large).encode(), Augmenter.OUTPUT_TOO_LARGE, augment));
        }
        hostile.add(new Sent(PREFIX + "large-cut", TestSamples.encoded(PREFIX + "large-cut", SampleDecoder.PNG,
                Arrays.copyOf(large, large.length - 50)).encode(), Augmenter.OUTPUT_TOO_LARGE, augment));
        hostile.add(new Sent(PREFIX + "bomb", TestSamples.encoded(PREFIX + "bomb", SampleDecoder.PNG,
                TestSamples.pngClaiming(30_000, 30_000)).encode(), SampleDecoder.TOO_LARGE, decode));
        hostile.add(new Sent(PREFIX + "bad-crc", TestSamples.encoded(PREFIX + "bad-crc", SampleDecoder.PNG,
                TestSamples.withBadCrc(smallPng)).encode(), SampleDecoder.BAD_CRC, decode));
        hostile.add(new Sent(PREFIX + "traversal", TestSamples.rawRecord("../../etc/passwd", "d"), "decode.invalid-sample-id", decode));
        hostile.add(new Sent(PREFIX + "long-id", TestSamples.rawRecord("x".repeat(60_000), "d"), "decode.invalid-sample-id", decode));
        hostile.add(new Sent(PREFIX + "not-utf8", TestSamples.rawRecord(new byte[] {'h', '/', (byte) 0xC3, '('},
                "d".getBytes(StandardCharsets.UTF_8)), "decode.bad-utf8", decode));
        hostile.add(new Sent(PREFIX + "dataset", TestSamples.rawRecord(PREFIX + "dataset", "../x y"), "decode.invalid-dataset", decode));
        hostile.add(new Sent(PREFIX + "key-mismatch", RawSample.pixels(PREFIX + "another-id", "d", "", 28, 28, 1, images.item(0))
                .encode(), Augmenter.KEY_MISMATCH, decode));

        List<Sent> plan = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < GOOD; i++) {
            String id = PREFIX + "good/" + i;
            plan.add(new Sent(id, RawSample.pixels(id, "fashion-mnist", "", 28, 28, 1, images.item(i)).encode(), null, null));
            if (i % 3 == 2 && next < hostile.size()) {
                plan.add(hostile.get(next++));
            }
        }
        assertThat(next).isEqualTo(hostile.size());
        // a producer that does not key: accepted, its views keyed by the sample id
        plan.add(new Sent(null, RawSample.pixels(PREFIX + "unkeyed", "fashion-mnist", "", 28, 28, 1, images.item(GOOD)).encode(),
                null, null));
        return plan;
    }
}
