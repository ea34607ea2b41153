package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.TestSamples;
import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.codec.ViewSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor's per-record logic without a broker: what goes out for each kind of input. */
class SampleProcessorTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SampleProcessor processor = processor(Recipes.simclrV1());

    @Test
    void aGoodSampleBecomesAViewSetKeyedByItsSampleId() {
        byte[] raw = TestSamples.fashion(4, new byte[784]).encode();

        List<SampleProcessor.Output> out = processor.process(incoming("fashion-mnist/train/4", raw));

        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.recipe()).isEqualTo("simclr");
            assertThat(o.record().topic()).isEqualTo("ssl.views.simclr");
            assertThat(o.record().key()).isEqualTo("fashion-mnist/train/4");
            assertThat(ViewSet.decode(o.record().value()).sampleId()).isEqualTo("fashion-mnist/train/4");
            assertThat(header(o.record(), Topics.HEADER_DATASET)).isEqualTo("fashion-mnist");
        });
        assertThat(registry.get(AugmenterMetrics.SAMPLES_IN).counter().count()).isEqualTo(1.0);
        assertThat(registry.get(AugmenterMetrics.AUGMENT_TIME).timer().count()).isEqualTo(1);
    }

    @Test
    void everyViewSetRecordCarriesTheDatasetOfItsRawSample() {
        processor = processor(Recipes.simclrV1(), Recipes.maeV1());
        byte[] raw = RawSample.pixels("shop/shoe-7", "shop", "http:/api/v1/samples", 28, 28, 1, new byte[784]).encode();

        List<SampleProcessor.Output> out = processor.process(incoming("shop/shoe-7", raw));

        assertThat(out).extracting(o -> o.record().topic()).containsExactly("ssl.views.simclr", "ssl.views.mae");
        assertThat(out).allSatisfy(o -> assertThat(header(o.record(), Topics.HEADER_DATASET)).isEqualTo("shop"));
    }

    @Test
    void aBadSampleBecomesADeadLetterWithTheOriginalKeyValueAndHeaders() {
        byte[] raw = TestSamples.badMagic(TestSamples.fashion(4, new byte[784]).encode());

        List<SampleProcessor.Output> out = processor.process(incoming("the-key", raw));

        assertThat(out).singleElement().satisfies(o -> {
            ProducerRecord<String, byte[]> r = o.record();
            assertThat(o.recipe()).isNull();
            assertThat(r.topic()).isEqualTo(Topics.SAMPLES_DLQ);
            assertThat(r.key()).isEqualTo("the-key");
            assertThat(r.value()).isSameAs(raw);
            assertThat(header(r, Topics.HEADER_DLQ_REASON)).isEqualTo("decode.bad-magic");
            assertThat(header(r, Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.decode");
            assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).contains("magic");
            assertThat(header(r, Topics.HEADER_DLQ_SOURCE)).isEqualTo("ssl.samples.raw/3/42");
        });
        assertThat(registry.get(AugmenterMetrics.DLQ).tags("reason", "decode.bad-magic", "stage", "augmenter.decode").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aRecordKeyedOtherwiseThanItsSampleIdIsADeadLetterAndAnUnkeyedOneIsAugmented() {
        byte[] raw = TestSamples.fashion(4, new byte[784]).encode();

        List<SampleProcessor.Output> mismatch = processor.process(incoming("fashion-mnist/train/5", raw));
        List<SampleProcessor.Output> unkeyed = processor.process(incoming(null, raw));

        assertThat(mismatch).singleElement().satisfies(o -> {
            ProducerRecord<String, byte[]> r = o.record();
            assertThat(r.topic()).isEqualTo(Topics.SAMPLES_DLQ);
            assertThat(r.key()).isEqualTo("fashion-mnist/train/5");
            assertThat(header(r, Topics.HEADER_DLQ_REASON)).isEqualTo(Augmenter.KEY_MISMATCH);
            assertThat(header(r, Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.decode");
            assertThat(header(r, Topics.HEADER_DLQ_MESSAGE)).contains("'fashion-mnist/train/5'", "'fashion-mnist/train/4'");
        });
        // a producer that does not key still feeds the stream: the views are keyed by the sample id
        assertThat(unkeyed).singleElement().satisfies(o -> {
            assertThat(o.record().topic()).isEqualTo("ssl.views.simclr");
            assertThat(o.record().key()).isEqualTo("fashion-mnist/train/4");
        });
    }

    @Test
    void anInputWhoseOutputTheBrokerRefusedBecomesAPublishFailedDeadLetterAndCountsAProducerError() {
        byte[] raw = TestSamples.fashion(4, new byte[784]).encode();
        ConsumerRecord<String, byte[]> in = incoming(TestSamples.fashionId(4), raw);

        SampleProcessor.Output letter = processor.publishFailed(in, new RecordTooLargeException("record too large"));

        assertThat(letter.record().topic()).isEqualTo(Topics.SAMPLES_DLQ);
        assertThat(letter.record().key()).isEqualTo(TestSamples.fashionId(4));
        assertThat(letter.record().value()).isSameAs(raw);
        assertThat(header(letter.record(), Topics.HEADER_DLQ_REASON)).isEqualTo(SampleProcessor.PUBLISH_FAILED);
        assertThat(header(letter.record(), Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.publish");
        assertThat(header(letter.record(), Topics.HEADER_DLQ_MESSAGE)).contains("record too large");
        assertThat(registry.get(AugmenterMetrics.PRODUCER_ERRORS).counter().count()).isEqualTo(1.0);
    }

    @Test
    void aFailingRecipeIsADeadLetterOfAnInternalError() {
        processor = processor(new Recipe() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int version() {
                return 1;
            }

            @Override
            public ViewSet apply(String sampleId, Image image, long seed) {
                throw new ArithmeticException("a bug");
            }

            @Override
            public long encodedSize(String sampleId, int height, int width, int channels) {
                return 100;
            }
        });

        List<SampleProcessor.Output> out = processor.process(incoming(TestSamples.fashionId(4), TestSamples.fashion(4, new byte[784]).encode()));

        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.record().topic()).isEqualTo(Topics.SAMPLES_DLQ);
            assertThat(header(o.record(), Topics.HEADER_DLQ_REASON)).isEqualTo(SampleProcessor.INTERNAL_ERROR);
            assertThat(header(o.record(), Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.augment");
            assertThat(header(o.record(), Topics.HEADER_DLQ_MESSAGE)).contains("a bug");
        });
        assertThat(registry.get(AugmenterMetrics.DLQ).tags("reason", SampleProcessor.INTERNAL_ERROR).counter().count()).isEqualTo(1.0);
    }

    private SampleProcessor processor(Recipe... recipes) {
        Augmenter augmenter = new Augmenter(new SampleDecoder(1 << 20), List.of(recipes), 0);
        return new SampleProcessor(augmenter, new AugmenterMetrics(registry, List.of()));
    }

    private static ConsumerRecord<String, byte[]> incoming(String key, byte[] value) {
        return new ConsumerRecord<>(Topics.SAMPLES_RAW, 3, 42L, key, value);
    }

    private static String header(ProducerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
