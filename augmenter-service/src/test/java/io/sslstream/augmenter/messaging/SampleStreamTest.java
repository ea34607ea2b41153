package io.sslstream.augmenter.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.kafka.TopicAdmin;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The service against a real broker: Fashion-MNIST samples with malformed records mixed in go through
 * {@code ssl.samples.raw}; every good one comes out as a view pair, every bad one as a dead letter.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SampleStreamTest {

    static final int RAW_PIXEL_SAMPLES = 500;
    static final int PNG_SAMPLES = 5;

    @Inject
    Augmenter augmenter;

    /** One produced record; {@code reason} is null for a good sample. */
    record Sent(String key, byte[] value, String reason) {
    }

    @Test
    void everyGoodSampleBecomesOneViewPairAndEveryBadOneADeadLetter() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        IdxFile images = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train",
                RAW_PIXEL_SAMPLES + PNG_SAMPLES).images();
        List<Sent> plan = plan(images);
        TopicAdmin.ensureTopics(bootstrap, Map.of(Topics.SAMPLES_RAW, 1, Topics.views("simclr"), 1, Topics.SAMPLES_DLQ, 1));

        produce(bootstrap, plan);
        List<Sent> good = plan.stream().filter(s -> s.reason() == null).toList();
        List<Sent> bad = plan.stream().filter(s -> s.reason() != null).toList();
        Map<String, List<ConsumerRecord<String, byte[]>>> byTopic = consume(bootstrap, good.size(), bad.size());

        List<ConsumerRecord<String, byte[]>> views = byTopic.get(Topics.views("simclr"));
        assertThat(views).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrderElementsOf(good.stream().map(Sent::key).toList());
        for (ConsumerRecord<String, byte[]> r : views) {
            ViewSet set = ViewSet.decode(r.value());
            assertThat(set.sampleId()).isEqualTo(r.key());
            assertThat(set.recipe()).isEqualTo("simclr");
            assertThat(set.recipeVersion()).isEqualTo(1);
            assertThat(set.seed()).isEqualTo(Seeds.forSample(augmenter.baseSeed(), r.key()));
            assertThat(set.views()).hasSize(2).allSatisfy(v ->
                    assertThat(new int[] {v.height(), v.width(), v.channels()}).containsExactly(28, 28, 1));
            assertThat(set.views().get(0)).as(r.key()).isNotEqualTo(set.views().get(1));
        }
        // the published bytes are the pure function of the input, whatever thread or order produced them
        Map<String, byte[]> sentByKey = new LinkedHashMap<>();
        good.forEach(s -> sentByKey.put(s.key(), s.value()));
        for (ConsumerRecord<String, byte[]> r : views.subList(0, 50)) {
            assertThat(r.value()).isEqualTo(augmenter.augment(sentByKey.get(r.key())).outputs().get(0).viewSet());
        }

        List<ConsumerRecord<String, byte[]>> dead = byTopic.get(Topics.SAMPLES_DLQ);
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(bad.stream().map(Sent::key).toList());
        for (Sent s : bad) {
            ConsumerRecord<String, byte[]> r = dead.stream().filter(d -> d.key().equals(s.key())).findFirst().orElseThrow();
            assertThat(header(r, Topics.HEADER_DLQ_REASON)).as(s.key()).isEqualTo(s.reason());
            assertThat(header(r, Topics.HEADER_DLQ_STAGE)).isEqualTo(RejectedSampleException.STAGE_DECODE);
            assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).isNotBlank();
            assertThat(header(r, Topics.HEADER_DLQ_SOURCE)).matches("ssl\\.samples\\.raw/0/\\d+");
            assertThat(r.value()).isEqualTo(s.value());
        }

        Set<String> viewKeys = new HashSet<>(views.stream().map(ConsumerRecord::key).toList());
        for (int i = 0; i + 1 < plan.size(); i++) {
            if (plan.get(i).reason() != null) {
                assertThat(viewKeys).as("the sample right after %s", plan.get(i).key()).contains(plan.get(i + 1).key());
            }
        }

        // acks chain back to the input: the group's committed offset reaches the end of the raw topic
        String group = ConfigProvider.getConfig().getValue("mp.messaging.incoming." + Channels.SAMPLES_RAW + ".group.id", String.class);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(new TopicPartition(Topics.SAMPLES_RAW, 0)))
                    .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo((long) plan.size()));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("ssl_augmenter_samples_in_total " + plan.size() + ".0"))
                .body(containsString("ssl_augmenter_views_out_total{recipe=\"simclr\"} " + good.size() + ".0"))
                .body(containsString("ssl_augmenter_dlq_total{reason=\"decode.truncated\",stage=\"augmenter.decode\"} 1.0"))
                .body(containsString("ssl_augmenter_dlq_total{reason=\"image.too-large\",stage=\"augmenter.decode\"} 1.0"))
                .body(containsString("ssl_augmenter_augment_time_seconds_count " + plan.size() + ".0")));
    }

    @Test
    void channelsUseTheContractTopics() {
        var config = ConfigProvider.getConfig();
        String in = "mp.messaging.incoming." + Channels.SAMPLES_RAW + ".";
        String out = "mp.messaging.outgoing." + Channels.VIEWS_OUT + ".";

        assertThat(config.getValue(in + "topic", String.class)).isEqualTo(Topics.SAMPLES_RAW);
        assertThat(config.getValue(in + "failure-strategy", String.class)).isEqualTo("dead-letter-queue");
        assertThat(config.getValue(in + "dead-letter-queue.topic", String.class)).isEqualTo(Topics.SAMPLES_DLQ);
        assertThat(config.getValue(out + "topic", String.class)).isEqualTo(Topics.views("simclr"));
    }

    @Test
    void reportsHealthUp() {
        given().get("/q/health").then().statusCode(200).body(containsString("\"UP\""));
    }

    /** Raw-pixel samples with one malformed record of each kind before every 50th, then a few PNG samples. */
    static List<Sent> plan(IdxFile images) {
        RawSample first = TestSamples.fashion(0, images.item(0));
        byte[] noise = new byte[300];
        new SplittableRandom(3).nextBytes(noise);
        List<Sent> malformed = List.of(
                new Sent("bad/truncated", TestSamples.truncated(first.encode()), "decode.truncated"),
                new Sent("bad/magic", TestSamples.badMagic(first.encode()), "decode.bad-magic"),
                new Sent("bad/version", TestSamples.version(first.encode(), 9), "decode.bad-version"),
                new Sent("bad/huge-shape", TestSamples.declaringShape(first, 1 << 20, 1 << 20), "decode.shape-mismatch"),
                new Sent("bad/tombstone", null, "decode.null"),
                new Sent("bad/png-bomb", TestSamples.encoded("bad/png-bomb", SampleDecoder.PNG,
                        TestSamples.pngClaiming(30_000, 30_000)).encode(), SampleDecoder.TOO_LARGE),
                new Sent("bad/not-png", TestSamples.encoded("bad/not-png", SampleDecoder.PNG, noise).encode(),
                        SampleDecoder.CONTENT_MISMATCH),
                new Sent("bad/gif", TestSamples.encoded("bad/gif", "image/gif", noise).encode(), SampleDecoder.UNSUPPORTED_CONTENT_TYPE),
                new Sent("bad/two-channels", RawSample.pixels("bad/two-channels", "t", "", 28, 14, 2, new byte[784]).encode(),
                        SampleDecoder.BAD_CHANNELS),
                new Sent("bad/empty", RawSample.pixels("bad/empty", "t", "", 0, 28, 1, new byte[0]).encode(),
                        SampleDecoder.ZERO_DIMENSION));
        List<Sent> plan = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < RAW_PIXEL_SAMPLES; i++) {
            if (i % 50 == 25 && next < malformed.size()) {
                plan.add(malformed.get(next++));
            }
            plan.add(new Sent(TestSamples.fashionId(i), TestSamples.fashion(i, images.item(i)).encode(), null));
        }
        assertThat(next).isEqualTo(malformed.size());
        for (int i = RAW_PIXEL_SAMPLES; i < RAW_PIXEL_SAMPLES + PNG_SAMPLES; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, images.item(i));
            byte[] png = TestSamples.encode(img, "png");
            plan.add(new Sent(TestSamples.fashionId(i), new RawSample(TestSamples.fashionId(i), "fashion-mnist", "",
                    SampleDecoder.PNG, 28, 28, 1, png).encode(), null));
        }
        return plan;
    }

    static void produce(String bootstrap, List<Sent> plan) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Sent s : plan) {
                sends.add(producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, s.key(), s.value())));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads both output topics until the expected number of records arrived; then once more, to catch extras. */
    static Map<String, List<ConsumerRecord<String, byte[]>>> consume(String bootstrap, int views, int deadLetters) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, List<ConsumerRecord<String, byte[]>>> byTopic = new LinkedHashMap<>();
        byTopic.put(Topics.views("simclr"), new ArrayList<>());
        byTopic.put(Topics.SAMPLES_DLQ, new ArrayList<>());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(byTopic.keySet());
            await().atMost(Duration.ofMinutes(2)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> byTopic.get(r.topic()).add(r));
                return byTopic.get(Topics.views("simclr")).size() >= views && byTopic.get(Topics.SAMPLES_DLQ).size() >= deadLetters;
            });
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> byTopic.get(r.topic()).add(r));
        }
        return byTopic;
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
