package io.sslstream.augmenter.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.augmenter.AugmentedSample;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.RejectedSampleException;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.service.messaging.NativeLz4;
import jakarta.inject.Inject;
import net.jpountz.lz4.LZ4Factory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static io.sslstream.augmenter.messaging.StreamFixture.header;
import static io.sslstream.augmenter.messaging.StreamFixture.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The service against a real broker: Fashion-MNIST samples with malformed records mixed in go through
 * {@code ssl.samples.raw}; every good one comes out once on each active recipe's topic, every bad one as a dead
 * letter, and the consumer group's offset follows.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SampleStreamTest {

    static final int RAW_PIXEL_SAMPLES = 500;
    static final int PNG_SAMPLES = 5;

    @Inject
    Augmenter augmenter;

    @Inject
    SampleStream stream;

    int version(String recipe) {
        return augmenter.recipes().stream().filter(r -> r.name().equals(recipe)).findFirst().orElseThrow().version();
    }

    /** One produced record; {@code reason} is null for a good sample. */
    record Sent(String key, byte[] value, String reason) {
    }

    @Test
    void everyGoodSampleBecomesOneViewSetPerRecipeAndEveryBadOneADeadLetter() throws Exception {
        IdxFile images = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train",
                RAW_PIXEL_SAMPLES + PNG_SAMPLES).images();
        List<Sent> plan = plan(images);
        Set<String> keys = plan.stream().map(Sent::key).collect(Collectors.toSet());
        StreamFixture.ensureTopics();
        double samplesIn = metric("ssl_augmenter_samples_in_total");
        double truncated = metric("ssl_augmenter_dlq_total", "reason=\"decode.truncated\"");
        double tooLarge = metric("ssl_augmenter_dlq_total", "reason=\"image.too-large\"");
        double simclrOut = metric("ssl_augmenter_views_out_total", "recipe=\"simclr\"");
        double maeOut = metric("ssl_augmenter_views_out_total", "recipe=\"mae\"");

        StreamFixture.produce(plan.stream().map(s -> (Map.Entry<String, byte[]>) new AbstractMap.SimpleEntry<>(s.key(), s.value())).toList());
        List<Sent> good = plan.stream().filter(s -> s.reason() == null).toList();
        List<Sent> bad = plan.stream().filter(s -> s.reason() != null).toList();
        Map<String, Integer> expected = new LinkedHashMap<>();
        StreamFixture.VIEW_TOPICS.forEach(t -> expected.put(t, good.size()));
        expected.put(Topics.SAMPLES_DLQ, bad.size());
        Map<String, List<ConsumerRecord<String, byte[]>>> byTopic = StreamFixture.consume(expected, keys::contains,
                Duration.ofMinutes(2));

        Map<String, byte[]> sentByKey = new LinkedHashMap<>();
        good.forEach(s -> sentByKey.put(s.key(), s.value()));
        for (String topic : StreamFixture.VIEW_TOPICS) {
            List<ConsumerRecord<String, byte[]>> views = byTopic.get(topic);
            assertThat(views).as(topic).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(good.stream().map(Sent::key).toList());
            String recipe = topic.substring(Topics.VIEWS_PREFIX.length());
            for (ConsumerRecord<String, byte[]> r : views) {
                ViewSet set = ViewSet.decode(r.value());
                assertThat(set.sampleId()).isEqualTo(r.key());
                assertThat(set.recipe()).isEqualTo(recipe);
                assertThat(set.recipeVersion()).isEqualTo(version(set.recipe()));
                assertThat(set.seed()).isEqualTo(Seeds.forSample(augmenter.baseSeed(), r.key()));
                assertShape(recipe, set);
            }
            // the published bytes are the pure function of the input, whatever thread or order produced them
            for (ConsumerRecord<String, byte[]> r : views.subList(0, 50)) {
                AugmentedSample again = augmenter.augment(sentByKey.get(r.key()));
                assertThat(r.value()).isEqualTo(again.outputs().stream().filter(o -> o.topic().equals(topic))
                        .findFirst().orElseThrow().viewSet());
            }
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

        Set<String> viewKeys = new HashSet<>(byTopic.get(Topics.views("simclr")).stream().map(ConsumerRecord::key).toList());
        for (int i = 0; i + 1 < plan.size(); i++) {
            if (plan.get(i).reason() != null) {
                assertThat(viewKeys).as("the sample right after %s", plan.get(i).key()).contains(plan.get(i + 1).key());
            }
        }

        // acks chain back to the input: the group's committed offset reaches the end of the raw topic
        String group = (String) stream.consumerConfig().get(ConsumerConfig.GROUP_ID_CONFIG);
        TopicPartition raw = new TopicPartition(Topics.SAMPLES_RAW, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StreamFixture.bootstrap()))) {
            long end = admin.listOffsets(Map.of(raw, OffsetSpec.latest())).partitionResult(raw).get().offset();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(raw))
                    .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(end));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(metric("ssl_augmenter_samples_in_total") - samplesIn).isEqualTo(plan.size());
            assertThat(metric("ssl_augmenter_views_out_total", "recipe=\"simclr\"") - simclrOut).isEqualTo(good.size());
            assertThat(metric("ssl_augmenter_views_out_total", "recipe=\"mae\"") - maeOut).isEqualTo(good.size());
            assertThat(metric("ssl_augmenter_dlq_total", "reason=\"decode.truncated\"") - truncated).isEqualTo(1);
            assertThat(metric("ssl_augmenter_dlq_total", "reason=\"image.too-large\"") - tooLarge).isEqualTo(1);
        });
        given().get("/q/metrics").then().body(containsString("ssl_augmenter_augment_time_seconds_count"));
    }

    @Test
    void theStreamAndTheIngestionKeepData() {
        var config = ConfigProvider.getConfig();
        String ingest = "mp.messaging.outgoing." + Channels.SAMPLES_IN + ".";
        assertThat(config.getValue(ingest + "topic", String.class)).isEqualTo(Topics.SAMPLES_RAW);
        assertThat(config.getValue(ingest + "acks", String.class)).isEqualTo("all");
        assertThat(config.getValue(ingest + "enable.idempotence", Boolean.class)).isTrue();
        assertThat(config.getValue(ingest + "compression.type", String.class)).isIn("lz4", "zstd");

        // the stream: a producer that keeps data, and offsets committed by the stream only (behind stored outputs)
        Map<String, Object> producer = stream.producerConfig();
        assertThat(producer.get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(true);
        // views uncompressed by default: lz4 saves little on photographs' views and costs augmenter CPU (AugmenterConfig)
        assertThat(producer.get(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("none");
        assertThat(producer.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo(config.getValue("kafka.bootstrap.servers", String.class));
        Map<String, Object> consumer = stream.consumerConfig();
        assertThat(consumer.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo(false);
        assertThat(consumer.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)).isEqualTo("earliest");
        assertThat(consumer.get(ConsumerConfig.GROUP_ID_CONFIG)).isEqualTo("ssl-augmenter");
        assertThat(augmenter.recipes()).extracting(r -> r.name())
                .containsExactly(Recipes.SIMCLR, Recipes.BYOL, Recipes.MULTICROP, Recipes.MAE);
    }

    /**
     * The clients' lz4 is the native library: in Quarkus' class loader Kafka would otherwise take lz4-java's Java
     * implementation, which was most of the augmenter's CPU on large views ({@code ./bench augmenter}).
     */
    @Test
    void kafkaCompressesWithTheNativeLz4() {
        // what makes it matter: lz4-java is not loaded by the system class loader here, as in the runnable jar
        assertThat(LZ4Factory.class.getClassLoader()).isNotSameAs(ClassLoader.getSystemClassLoader());
        assertThat(NativeLz4.kafkaCompressor()).isEqualTo("LZ4JNICompressor");
    }

    @Test
    void reportsHealthUp() {
        given().get("/q/health").then().statusCode(200).body(containsString("\"UP\""));
    }

    /** The shapes of version 1 of each recipe on a 28x28 gray input. */
    static void assertShape(String recipe, ViewSet set) {
        List<int[]> shapes = set.views().stream().map(v -> new int[] {v.height(), v.width(), v.channels()}).toList();
        switch (recipe) {
            case Recipes.SIMCLR, Recipes.BYOL -> {
                assertThat(shapes).hasSize(2).allSatisfy(s -> assertThat(s).containsExactly(28, 28, 1));
                assertThat(set.views().get(0)).as(set.sampleId()).isNotEqualTo(set.views().get(1));
            }
            case Recipes.MULTICROP -> assertThat(set.views()).extracting(View::height).containsExactly(28, 28, 12, 12, 12, 12);
            case Recipes.MAE -> {
                assertThat(shapes).singleElement().satisfies(s -> assertThat(s).containsExactly(28, 28, 1));
                assertThat(set.mask().maskedCount()).isEqualTo(37);
            }
            default -> throw new AssertionError("unexpected recipe " + recipe);
        }
        if (!recipe.equals(Recipes.MAE)) {
            assertThat(set.mask()).isNull();
        }
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
}
