package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AugmenterTest {

    static final long BASE_SEED = 99;

    final Augmenter augmenter = new Augmenter(new SampleDecoder(1 << 24),
            List.of(Recipes.simclrV1()), BASE_SEED);

    @Test
    void turnsARawSampleIntoASimclrViewSetSeededFromItsId() throws Exception {
        RawSample sample = TestSamples.fashion(7, pixels(784, 7));

        AugmentedSample out = augmenter.augment(sample.encode());

        assertThat(out.sampleId()).isEqualTo("fashion-mnist/train/7");
        assertThat(out.seed()).isEqualTo(Seeds.forSample(BASE_SEED, "fashion-mnist/train/7"));
        assertThat(out.outputs()).singleElement().satisfies(o -> {
            assertThat(o.recipe()).isEqualTo("simclr");
            assertThat(o.topic()).isEqualTo(Topics.views("simclr"));
            ViewSet set = ViewSet.decode(o.viewSet());
            assertThat(set.sampleId()).isEqualTo(out.sampleId());
            assertThat(set.seed()).isEqualTo(out.seed());
            assertThat(set.views()).hasSize(2);
        });
    }

    @Test
    void sameBytesGiveSameOutputAndAnotherBaseSeedAnother() throws Exception {
        byte[] raw = TestSamples.fashion(1, pixels(784, 1)).encode();
        Augmenter otherBase = new Augmenter(new SampleDecoder(1 << 24),
                List.of(Recipes.simclrV1()), BASE_SEED + 1);

        byte[] first = augmenter.augment(raw).outputs().get(0).viewSet();

        assertThat(augmenter.augment(raw.clone()).outputs().get(0).viewSet()).isEqualTo(first);
        assertThat(otherBase.augment(raw).outputs().get(0).viewSet()).isNotEqualTo(first);
    }

    @Test
    void decodesPngPayloads() throws Exception {
        BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_3BYTE_BGR);
        byte[] png = TestSamples.encode(img, "png");

        AugmentedSample out = augmenter.augment(TestSamples.encoded("p", SampleDecoder.PNG, png).encode());

        View v = ViewSet.decode(out.outputs().get(0).viewSet()).views().get(0);
        assertThat(new int[] {v.height(), v.width(), v.channels()}).containsExactly(10, 20, 3);
    }

    @Test
    void sixteenBitFramesBecomeViewsThroughEachRecipesWindow() throws Exception {
        short[] values = new short[32 * 32];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (i * 3 - 1500);
        }
        io.sslstream.contracts.codec.Pixels16 frame = new io.sslstream.contracts.codec.Pixels16(32, 32, true, false, 12,
                1, -1024, 40, 400, values);
        RawSample sample = RawSample.pixels16("ct/abc/0", "ct", "", frame);
        Augmenter both = new Augmenter(new SampleDecoder(1 << 24), List.of(Recipes.simclrV2(), Recipes.windowingV1()), BASE_SEED);

        AugmentedSample out = both.augment("ct/abc/0", sample.encode());

        assertThat(out.outputs()).extracting(AugmentedSample.Output::recipe).containsExactly("simclr", "windowing");
        for (AugmentedSample.Output o : out.outputs()) {
            ViewSet set = ViewSet.decode(o.viewSet());
            assertThat(set.views()).hasSize(2).allSatisfy(v -> assertThat(v.channels()).isEqualTo(1));
        }
        long seed = Seeds.forSample(BASE_SEED, "ct/abc/0");
        assertThat(ViewSet.decode(out.outputs().get(1).viewSet())).isEqualTo(Recipes.windowingV1().apply("ct/abc/0", frame, seed));
    }

    @Test
    void aBadSixteenBitPayloadIsRejectedWithItsReason() {
        io.sslstream.contracts.codec.Pixels16 frame = new io.sslstream.contracts.codec.Pixels16(2, 2, false, false, 16,
                1, 0, Double.NaN, Double.NaN, new short[4]);
        byte[] payload = frame.encode();
        payload[4] = 9; // payload version
        byte[] bad = new RawSample("ct/a/0", "ct", "", RawSample.PIXELS_16, 2, 2, 1, payload).encode();
        assertRejected(bad, "image.pixels16-bad-version");
        byte[] huge = new RawSample("ct/a/0", "ct", "", RawSample.PIXELS_16, 70_000, 1, 1,
                new byte[(int) io.sslstream.contracts.codec.Pixels16.payloadLength(70_000, 1)]).encode();
        assertRejected(huge, SampleDecoder.TOO_LARGE);
    }

    @Test
    void namesTheCodecFailureInTheReason() {
        byte[] good = TestSamples.fashion(0, new byte[784]).encode();

        assertRejected(TestSamples.truncated(good), "decode.truncated");
        assertRejected(TestSamples.badMagic(good), "decode.bad-magic");
        assertRejected(TestSamples.version(good, 2), "decode.bad-version");
        assertRejected(TestSamples.declaringShape(TestSamples.fashion(0, new byte[784]), 100_000, 100_000), "decode.shape-mismatch");
        assertRejected(null, "decode.null");
    }

    @Test
    void rejectsASampleWhoseViewSetWouldNotFitARecordBeforeAugmentingIt() throws Exception {
        Augmenter small = new Augmenter(new SampleDecoder(1 << 24), List.of(Recipes.simclrV1()), BASE_SEED, 2000);

        assertThatThrownBy(() -> small.augment(RawSample.pixels("big", "d", "", 40, 40, 1, new byte[1600]).encode()))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Augmenter.OUTPUT_TOO_LARGE);
                    assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_AUGMENT);
                    assertThat(e.getMessage()).contains("simclr", "40x40x1", "2000");
                });
        // 2 x 28 x 28 plus a header fits
        assertThat(small.augment(TestSamples.fashion(0, new byte[784]).encode()).outputs()).hasSize(1);
    }

    @Test
    void refusesFromTheHeaderAnImageWhoseViewSetsCouldNotFitWithoutDecodingIt() {
        // 4096 x 4096 passes the pixel limit (16,777,216) but two views of its size are 33 MB: 17 KB of PNG that would
        // inflate to 16 MB. Cut short, decoding would end in image.truncated: the reason shows nothing was decoded.
        byte[] png = TestSamples.blackPng(4096, 4096);
        for (byte[] bytes : List.of(png, java.util.Arrays.copyOf(png, png.length - 50))) {
            assertThatThrownBy(() -> augmenter.augment(TestSamples.encoded("big", SampleDecoder.PNG, bytes).encode()))
                    .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Augmenter.OUTPUT_TOO_LARGE);
                        assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_AUGMENT);
                        assertThat(e.getMessage()).contains("simclr", "4096x4096", "from its header, before decoding");
                    });
        }
    }

    @Test
    void refusesIdsAndDatasetsThatBreakTheRuleAndKeysThatAreNotTheId() throws Exception {
        assertRejected(TestSamples.rawRecord("../../etc/passwd", "d"), "decode.invalid-sample-id");
        assertRejected(TestSamples.rawRecord("x".repeat(60_000), "d"), "decode.invalid-sample-id");
        assertRejected(TestSamples.rawRecord("ok", "../x y"), "decode.invalid-dataset");
        assertRejected(TestSamples.rawRecord(new byte[] {'o', (byte) 0xC3, '(', 'k'}, "d".getBytes()), "decode.bad-utf8");

        byte[] good = TestSamples.fashion(1, pixels(784, 1)).encode();
        assertThatThrownBy(() -> augmenter.augment("fashion-mnist/train/2", good))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Augmenter.KEY_MISMATCH);
                    assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_DECODE);
                });
        assertThat(augmenter.augment("fashion-mnist/train/1", good).sampleId()).isEqualTo("fashion-mnist/train/1");
        assertThat(augmenter.augment(null, good).sampleId()).isEqualTo("fashion-mnist/train/1");
    }

    @Test
    void checksTheSamplesCpuTimeBetweenRecipes() throws Exception {
        // every clock reading is 10 ms later; 25 ms run out after the first recipe
        SampleDecoderTest.SteppingClock clock = new SampleDecoderTest.SteppingClock(10_000_000);
        Augmenter two = new Augmenter(new SampleDecoder(1 << 24), List.of(Recipes.simclrV1(), Recipes.byolV1()), BASE_SEED,
                Augmenter.DEFAULT_MAX_OUTPUT_BYTES, java.time.Duration.ofMillis(25), clock);

        assertThatThrownBy(() -> two.augment(TestSamples.fashion(1, pixels(784, 1)).encode()))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CpuBudget.EXCEEDED);
                    assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_AUGMENT);
                    assertThat(e.getMessage()).contains("before the byol recipe");
                });
        assertThatThrownBy(() -> new Augmenter(new SampleDecoder(1), List.of(Recipes.simclrV1()), 0, 100,
                java.time.Duration.ZERO, CpuBudget.SYSTEM)).hasMessageContaining("positive");
    }

    @Test
    void runsEveryActiveRecipeOnTheSameSeed() throws Exception {
        Augmenter all = new Augmenter(new SampleDecoder(1 << 24),
                List.of(Recipes.simclrV1(), Recipes.byolV1(), Recipes.multicropV1(), Recipes.maeV1()), BASE_SEED);

        AugmentedSample out = all.augment(TestSamples.fashion(3, pixels(784, 3)).encode());

        assertThat(out.outputs()).extracting(AugmentedSample.Output::topic)
                .containsExactly("ssl.views.simclr", "ssl.views.byol", "ssl.views.multicrop", "ssl.views.mae");
        assertThat(out.outputs()).extracting(o -> ViewSet.decode(o.viewSet()).views().size()).containsExactly(2, 2, 6, 1);
        assertThat(out.outputs()).allSatisfy(o -> assertThat(ViewSet.decode(o.viewSet()).seed()).isEqualTo(out.seed()));
        assertThatThrownBy(() -> new Augmenter(new SampleDecoder(1), List.of(Recipes.simclrV1(), Recipes.simclrV1()), 0))
                .hasMessageContaining("distinct");
    }

    @Test
    void passesImageRejectionsOn() {
        assertRejected(RawSample.pixels("x", "d", "", 1, 1, 2, new byte[2]).encode(), SampleDecoder.BAD_CHANNELS);
    }

    @Test
    void writesOneRecordPerRecipeEachToItsTopicWithTheSameSeed() throws Exception {
        Recipe identity = new Recipe() {
            @Override
            public String name() {
                return "identity";
            }

            @Override
            public int version() {
                return 3;
            }

            @Override
            public ViewSet apply(String sampleId, Image image, long seed) {
                return new ViewSet(sampleId, name(), version(), seed,
                        List.of(new View(image.height(), image.width(), image.channels(), image.pixels())), null);
            }

            @Override
            public long encodedSize(String sampleId, int height, int width, int channels) {
                return (long) height * width * channels + 100;
            }
        };
        Augmenter two = new Augmenter(new SampleDecoder(1 << 24),
                List.of(Recipes.simclrV1(), identity), BASE_SEED);

        AugmentedSample out = two.augment(TestSamples.fashion(2, pixels(784, 2)).encode());

        assertThat(out.outputs()).extracting(AugmentedSample.Output::topic).containsExactly("ssl.views.simclr", "ssl.views.identity");
        assertThat(ViewSet.decode(out.outputs().get(1).viewSet()).seed()).isEqualTo(out.seed());
    }

    private void assertRejected(byte[] value, String reason) {
        assertThatThrownBy(() -> augmenter.augment(value)).isInstanceOfSatisfying(RejectedSampleException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_DECODE);
        });
    }

    static byte[] pixels(int n, long seed) {
        byte[] p = new byte[n];
        new SplittableRandom(seed).nextBytes(p);
        return p;
    }
}
