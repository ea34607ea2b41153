package io.sslstream.augmenter.messaging;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.augmenter.AugmentedSample;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.kafka.KafkaTestResource;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
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
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.sslstream.augmenter.messaging.StreamFixture.header;
import static io.sslstream.augmenter.messaging.StreamFixture.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three thousand records, about a third of them bad in every way the issue lists (random byte flips, truncations,
 * header corruption, wrong versions, huge shapes, bad PNGs and JPEGs, decompression bombs, unsupported content types,
 * zero dimensions, tombstones), through the real broker into the running service: every good one comes out exactly
 * once on every recipe's topic, every bad one exactly once in the dead-letter topic with its reason, and
 * good + bad = sent.
 *
 * <p>Each bad record is bad by construction (its expected reason is known when it is made); the random choices come
 * from a fixed seed, so the run is the same every time.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class FuzzStreamTest {

    static final int RECORDS = 3000;
    static final long SEED = 20261128L;
    static final String PREFIX = "fuzz/";

    @Inject
    Augmenter augmenter;

    int version(String recipe) {
        return augmenter.recipes().stream().filter(r -> r.name().equals(recipe)).findFirst().orElseThrow().version();
    }

    /** A record to send; {@code reason} is null for a good sample, else the exact DLQ reason or a prefix ending in '.'. */
    record Sent(String key, byte[] value, String reason) {
    }

    @Test
    void everyGoodRecordBecomesViewsExactlyOnceAndEveryBadOneADeadLetterNoneLost() throws Exception {
        List<Sent> plan = plan();
        Map<String, Sent> byKey = plan.stream().collect(Collectors.toMap(Sent::key, Function.identity()));
        List<Sent> good = plan.stream().filter(s -> s.reason() == null).toList();
        List<Sent> bad = plan.stream().filter(s -> s.reason() != null).toList();
        assertThat(good.size() + bad.size()).isEqualTo(RECORDS);
        assertThat(bad.size()).isBetween(RECORDS / 4, RECORDS / 2);
        StreamFixture.ensureTopics();
        double samplesIn = metric("ssl_augmenter_samples_in_total");
        double dlq = metric("ssl_augmenter_dlq_total");
        Map<String, Double> viewsOut = new HashMap<>();
        for (String topic : StreamFixture.VIEW_TOPICS) {
            viewsOut.put(topic, metric("ssl_augmenter_views_out_total", "recipe=\"" + recipe(topic) + "\""));
        }

        StreamFixture.produce(plan.stream().map(s -> (Map.Entry<String, byte[]>) new AbstractMap.SimpleEntry<>(s.key(), s.value())).toList());
        Map<String, Integer> expected = new LinkedHashMap<>();
        StreamFixture.VIEW_TOPICS.forEach(t -> expected.put(t, good.size()));
        expected.put(Topics.SAMPLES_DLQ, bad.size());
        Map<String, List<ConsumerRecord<String, byte[]>>> out = StreamFixture.consume(expected, k -> k.startsWith(PREFIX),
                Duration.ofMinutes(3));

        Set<String> goodKeys = good.stream().map(Sent::key).collect(Collectors.toSet());
        Set<String> badKeys = bad.stream().map(Sent::key).collect(Collectors.toSet());
        for (String topic : StreamFixture.VIEW_TOPICS) {
            List<String> keys = out.get(topic).stream().map(ConsumerRecord::key).toList();
            assertThat(keys).as("%s: each good sample exactly once", topic).doesNotHaveDuplicates();
            assertThat(new HashSet<>(keys)).as(topic).isEqualTo(goodKeys);
            for (ConsumerRecord<String, byte[]> r : out.get(topic)) {
                ViewSet set = ViewSet.decode(r.value());
                assertThat(set.sampleId()).isEqualTo(r.key());
                assertThat(set.recipe()).isEqualTo(recipe(topic));
                assertThat(set.recipeVersion()).isEqualTo(version(set.recipe()));
                assertThat(set.seed()).isEqualTo(Seeds.forSample(augmenter.baseSeed(), r.key()));
            }
            // the bytes are the pure function of the input: the same as augmenting the sent record again here
            for (ConsumerRecord<String, byte[]> r : out.get(topic).subList(0, 100)) {
                AugmentedSample again = augmenter.augment(byKey.get(r.key()).value());
                assertThat(r.value()).as(r.key()).isEqualTo(again.outputs().stream()
                        .filter(o -> o.topic().equals(topic)).findFirst().orElseThrow().viewSet());
            }
        }

        List<ConsumerRecord<String, byte[]>> dead = out.get(Topics.SAMPLES_DLQ);
        List<String> deadKeys = dead.stream().map(ConsumerRecord::key).toList();
        assertThat(deadKeys).as("each bad record exactly once").doesNotHaveDuplicates();
        assertThat(new HashSet<>(deadKeys)).isEqualTo(badKeys);
        Map<String, Integer> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : dead) {
            Sent s = byKey.get(r.key());
            String reason = header(r, Topics.HEADER_DLQ_REASON);
            if (s.reason().endsWith(".")) {
                assertThat(reason).as(r.key()).startsWith(s.reason());
            } else {
                assertThat(reason).as(r.key()).isEqualTo(s.reason());
            }
            assertThat(header(r, Topics.HEADER_DLQ_STAGE)).as(r.key()).isNotBlank();
            assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).as(r.key()).isNotBlank();
            assertThat(header(r, Topics.HEADER_DLQ_SOURCE)).matches("ssl\\.samples\\.raw/0/\\d+");
            assertThat(r.value()).as("the rejected bytes, unchanged").isEqualTo(s.value());
            reasons.merge(reason, 1, Integer::sum);
        }
        // every kind of bad input was exercised
        assertThat(reasons.keySet()).contains("decode.truncated", "decode.bad-magic", "decode.bad-version",
                "decode.trailing-bytes", "decode.shape-mismatch", "decode.null", "decode.empty", "decode.bad-utf8",
                SampleDecoder.TOO_LARGE, SampleDecoder.CONTENT_MISMATCH, SampleDecoder.TRUNCATED,
                SampleDecoder.UNSUPPORTED_CONTENT_TYPE, SampleDecoder.ZERO_DIMENSION, SampleDecoder.BAD_CHANNELS,
                SampleDecoder.SHAPE_MISMATCH);

        // nothing lost, nothing counted twice
        assertThat(goodKeys).doesNotContainAnyElementsOf(badKeys);
        assertThat(goodKeys.size() + badKeys.size()).isEqualTo(RECORDS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(metric("ssl_augmenter_samples_in_total") - samplesIn).isEqualTo(RECORDS);
            assertThat(metric("ssl_augmenter_dlq_total") - dlq).isEqualTo(bad.size());
            for (String topic : StreamFixture.VIEW_TOPICS) {
                assertThat(metric("ssl_augmenter_views_out_total", "recipe=\"" + recipe(topic) + "\"") - viewsOut.get(topic))
                        .as(topic).isEqualTo(good.size());
            }
        });
    }

    private static String recipe(String topic) {
        return topic.substring(Topics.VIEWS_PREFIX.length());
    }

    /** The records, about one in three bad, in a fixed random order. */
    static List<Sent> plan() throws Exception {
        IdxFile fashion = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 1000).images();
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<Sent> plan = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            plan.add(rnd.nextInt(3) == 0 ? bad(i, rnd, fashion) : good(i, rnd, fashion));
        }
        return plan;
    }

    static Sent good(int i, SplittableRandom rnd, IdxFile fashion) {
        String id = PREFIX + "good/" + i;
        byte[] fm = fashion.item(rnd.nextInt(fashion.count()));
        RawSample s = switch (rnd.nextInt(6)) {
            case 0 -> RawSample.pixels(id, "fuzz", "", 28, 28, 1, fm);
            case 1 -> new RawSample(id, "fuzz", "", SampleDecoder.PNG, 28, 28, 0, TestSamples.encode(gray(fm), "png"));
            case 2 -> new RawSample(id, "fuzz", "", SampleDecoder.JPEG, 0, 0, 0, TestSamples.encode(gray(fm), "jpeg"));
            case 3 -> {
                int h = 1 + rnd.nextInt(48);
                int w = 1 + rnd.nextInt(48);
                yield RawSample.pixels(id, "fuzz", "", h, w, 3, noise(h * w * 3, rnd));
            }
            case 4 -> new RawSample(id, "fuzz", "", SampleDecoder.PNG, 0, 0, 0,
                    TestSamples.encode(rgb(4 + rnd.nextInt(40), 4 + rnd.nextInt(40), rnd), "png"));
            default -> {
                int h = 1 + rnd.nextInt(40);
                int w = 1 + rnd.nextInt(40);
                yield RawSample.pixels(id, "fuzz", "", h, w, 1, noise(h * w, rnd));
            }
        };
        return new Sent(id, s.encode(), null);
    }

    static Sent bad(int i, SplittableRandom rnd, IdxFile fashion) throws Exception {
        String id = PREFIX + "bad/" + i;
        byte[] fm = fashion.item(rnd.nextInt(fashion.count()));
        RawSample raw = RawSample.pixels(id, "fuzz", "", 28, 28, 1, fm);
        byte[] good = raw.encode();
        return switch (rnd.nextInt(19)) {
            case 0 -> new Sent(id, Arrays.copyOf(good, rnd.nextInt(good.length)), "decode.truncated");
            case 1 -> {
                byte[] b = good.clone();
                int at = rnd.nextInt(4);
                b[at] = (byte) (b[at] ^ (1 + rnd.nextInt(255)));
                yield new Sent(id, b, "decode.bad-magic");
            }
            case 2 -> {
                int v = rnd.nextInt(255);
                yield new Sent(id, TestSamples.version(good, v == 1 ? 255 : v), "decode.bad-version");
            }
            case 3 -> {
                byte[] b = Arrays.copyOf(good, good.length + 1 + rnd.nextInt(10));
                yield new Sent(id, b, "decode.trailing-bytes");
            }
            case 4 -> {
                // a random byte flip in a structural field: height, width, channels or payload length
                byte[] b = good.clone();
                int shapeAt = b.length - fm.length - 4 - 1 - 8;
                int at = shapeAt + rnd.nextInt(4 + 4 + 1 + 4);
                b[at] = (byte) (b[at] ^ (1 + rnd.nextInt(255)));
                yield new Sent(id, b, "decode.");
            }
            case 5 -> new Sent(id, TestSamples.declaringShape(raw, 1 + rnd.nextInt(1 << 20), 1 << 20), "decode.shape-mismatch");
            case 6 -> new Sent(id, RawSample.pixels(id, "fuzz", "", 1, 70_000, 1, new byte[70_000]).encode(), SampleDecoder.TOO_LARGE);
            case 7 -> new Sent(id, TestSamples.encoded(id, SampleDecoder.PNG,
                    TestSamples.pngClaiming(20_000 + rnd.nextInt(40_000), 20_000 + rnd.nextInt(40_000))).encode(), SampleDecoder.TOO_LARGE);
            case 8 -> {
                byte[] junk = noise(10 + rnd.nextInt(500), rnd);
                junk[0] = 0x42; // neither a PNG nor a JPEG signature
                yield new Sent(id, TestSamples.encoded(id, rnd.nextBoolean() ? SampleDecoder.PNG : SampleDecoder.JPEG, junk).encode(),
                        SampleDecoder.CONTENT_MISMATCH);
            }
            case 9 -> {
                byte[] png = TestSamples.encode(gray(fm), "png");
                int cut = (int) (png.length * (0.1 + 0.75 * rnd.nextDouble()));
                yield new Sent(id, TestSamples.encoded(id, SampleDecoder.PNG, Arrays.copyOf(png, cut)).encode(), SampleDecoder.TRUNCATED);
            }
            case 10 -> {
                byte[] jpeg = TestSamples.encode(rgb(64, 64, rnd), "jpeg");
                int cut = (int) (jpeg.length * (0.7 + 0.25 * rnd.nextDouble()));
                yield new Sent(id, TestSamples.encoded(id, SampleDecoder.JPEG, Arrays.copyOf(jpeg, cut)).encode(), SampleDecoder.TRUNCATED);
            }
            case 11 -> {
                String type = List.of("image/gif", "image/webp", "text/plain", "application/pdf", "").get(rnd.nextInt(5));
                yield new Sent(id, TestSamples.encoded(id, type, TestSamples.encode(gray(fm), "png")).encode(),
                        SampleDecoder.UNSUPPORTED_CONTENT_TYPE);
            }
            case 12 -> new Sent(id, (rnd.nextBoolean() ? RawSample.pixels(id, "fuzz", "", 0, 1 + rnd.nextInt(100), 1, new byte[0])
                    : RawSample.pixels(id, "fuzz", "", 1 + rnd.nextInt(100), 0, 3, new byte[0])).encode(), SampleDecoder.ZERO_DIMENSION);
            case 13 -> {
                int c = rnd.nextBoolean() ? 2 : 4;
                yield new Sent(id, RawSample.pixels(id, "fuzz", "", 28, 28, c, noise(784 * c, rnd)).encode(), SampleDecoder.BAD_CHANNELS);
            }
            case 14 -> new Sent(id, null, "decode.null");
            case 15 -> {
                byte[] junk = noise(4 + rnd.nextInt(300), rnd);
                junk[0] = 'X';
                yield new Sent(id, junk, "decode.bad-magic");
            }
            case 16 -> new Sent(id, new RawSample(id, "fuzz", "", SampleDecoder.PNG, 28, 27, 0,
                    TestSamples.encode(gray(fm), "png")).encode(), SampleDecoder.SHAPE_MISMATCH);
            case 17 -> new Sent(id, rawRecord("", "fuzz".getBytes(StandardCharsets.UTF_8), fm), "decode.empty");
            default -> new Sent(id, rawRecord(id, new byte[] {'f', (byte) 0xC3, '(', 'z'}, fm), "decode.bad-utf8");
        };
    }

    /** A RawSample v1 written field by field, so that fields the codec refuses to write can be sent. */
    static byte[] rawRecord(String sampleId, byte[] dataset, byte[] pixels) {
        byte[] id = sampleId.getBytes(StandardCharsets.UTF_8);
        byte[] type = RawSample.PIXELS_U8.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + id.length + 2 + dataset.length + 2 + 2 + type.length + 13 + pixels.length);
        b.put(new byte[] {'S', 'S', 'L', 'R', 1, 0});
        b.putShort((short) id.length).put(id).putShort((short) dataset.length).put(dataset).putShort((short) 0);
        b.putShort((short) type.length).put(type).putInt(28).putInt(28).put((byte) 1).putInt(pixels.length).put(pixels);
        return b.array();
    }

    static BufferedImage gray(byte[] pixels) {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, 28, 28, pixels);
        return img;
    }

    static BufferedImage rgb(int w, int h, SplittableRandom rnd) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }

    static byte[] noise(int n, SplittableRandom rnd) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
