package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
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
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor's per-record logic without a broker: what goes out, and when the input is settled. */
class SampleProcessorTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicInteger inputAcks = new AtomicInteger();
    final List<Metadata> inputNacks = new ArrayList<>();
    SampleProcessor processor = processor(Recipes.simclrV1());

    @AfterEach
    void stop() {
        processor.stop();
    }

    @Test
    void aGoodSampleBecomesAViewSetAndTheInputIsAckedOnlyAfterIt() {
        byte[] raw = TestSamples.fashion(4, new byte[784]).encode();

        List<Message<byte[]>> out = processor.handle(incoming("fashion-mnist/train/4", raw));

        assertThat(out).hasSize(1);
        OutgoingKafkaRecordMetadata<?> md = outgoing(out.get(0));
        assertThat(md.getTopic()).isEqualTo("ssl.views.simclr");
        assertThat(md.getKey()).isEqualTo("fashion-mnist/train/4");
        assertThat(ViewSet.decode(out.get(0).getPayload()).sampleId()).isEqualTo("fashion-mnist/train/4");
        assertThat(header(md, Topics.HEADER_DATASET)).isEqualTo("fashion-mnist");
        assertThat(inputAcks).hasValue(0);

        out.get(0).ack();

        assertThat(inputAcks).hasValue(1);
        assertThat(registry.get(AugmenterMetrics.VIEWS_OUT).tag("recipe", "simclr").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(AugmenterMetrics.SAMPLES_IN).counter().count()).isEqualTo(1.0);
        assertThat(registry.get(AugmenterMetrics.AUGMENT_TIME).timer().count()).isEqualTo(1);
    }

    @Test
    void everyViewSetRecordCarriesTheDatasetOfItsRawSample() {
        processor.stop();
        processor = processor(Recipes.simclrV1(), Recipes.maeV1());
        byte[] raw = RawSample.pixels("shop/shoe-7", "shop", "http:/api/v1/samples", 28, 28, 1, new byte[784]).encode();

        List<Message<byte[]>> out = processor.handle(incoming("shop/shoe-7", raw));

        assertThat(out).extracting(m -> outgoing(m).getTopic()).containsExactly("ssl.views.simclr", "ssl.views.mae");
        assertThat(out).allSatisfy(m -> assertThat(header(outgoing(m), Topics.HEADER_DATASET)).isEqualTo("shop"));
    }

    @Test
    void aBadSampleBecomesADeadLetterWithTheOriginalKeyValueAndHeaders() {
        byte[] raw = TestSamples.badMagic(TestSamples.fashion(4, new byte[784]).encode());

        List<Message<byte[]>> out = processor.handle(incoming("the-key", raw));

        assertThat(out).hasSize(1);
        OutgoingKafkaRecordMetadata<?> md = outgoing(out.get(0));
        assertThat(md.getTopic()).isEqualTo(Topics.SAMPLES_DLQ);
        assertThat(md.getKey()).isEqualTo("the-key");
        assertThat(out.get(0).getPayload()).isSameAs(raw);
        assertThat(header(md, Topics.HEADER_DLQ_REASON)).isEqualTo("decode.bad-magic");
        assertThat(header(md, Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.decode");
        assertThat(header(md, Topics.HEADER_DLQ_MESSAGE)).contains("magic");
        assertThat(header(md, Topics.HEADER_DLQ_SOURCE)).isEqualTo("ssl.samples.raw/3/42");
        assertThat(registry.get(AugmenterMetrics.DLQ).tags("reason", "decode.bad-magic", "stage", "augmenter.decode").counter().count())
                .isEqualTo(1.0);

        out.get(0).ack();
        assertThat(inputAcks).hasValue(1);
    }

    @Test
    void aRecordKeyedOtherwiseThanItsSampleIdIsADeadLetterAndAnUnkeyedOneIsAugmented() {
        byte[] raw = TestSamples.fashion(4, new byte[784]).encode();

        List<Message<byte[]>> mismatch = processor.handle(incoming("fashion-mnist/train/5", raw));
        List<Message<byte[]>> unkeyed = processor.handle(incoming(null, raw));

        assertThat(mismatch).singleElement().satisfies(m -> {
            OutgoingKafkaRecordMetadata<?> md = outgoing(m);
            assertThat(md.getTopic()).isEqualTo(Topics.SAMPLES_DLQ);
            assertThat(md.getKey()).isEqualTo("fashion-mnist/train/5");
            assertThat(header(md, Topics.HEADER_DLQ_REASON)).isEqualTo(Augmenter.KEY_MISMATCH);
            assertThat(header(md, Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.decode");
            assertThat(header(md, Topics.HEADER_DLQ_MESSAGE)).contains("'fashion-mnist/train/5'", "'fashion-mnist/train/4'");
        });
        // a producer that does not key still feeds the stream: the views are keyed by the sample id
        assertThat(unkeyed).singleElement().satisfies(m -> {
            assertThat(outgoing(m).getTopic()).isEqualTo("ssl.views.simclr");
            assertThat(outgoing(m).getKey()).isEqualTo("fashion-mnist/train/4");
        });
    }

    @Test
    void aRefusedOutputNacksTheInputForTheFailureStrategyAndCountsAProducerError() {
        List<Message<byte[]>> out = processor.handle(incoming(TestSamples.fashionId(4), TestSamples.fashion(4, new byte[784]).encode()));

        out.get(0).nack(new IllegalStateException("record too large"));

        assertThat(inputAcks).hasValue(0);
        assertThat(inputNacks).singleElement().satisfies(m -> {
            OutgoingKafkaRecordMetadata<?> md = m.get(OutgoingKafkaRecordMetadata.class).orElseThrow();
            assertThat(header(md, Topics.HEADER_DLQ_REASON)).isEqualTo(SampleProcessor.PUBLISH_FAILED);
            assertThat(header(md, Topics.HEADER_DLQ_STAGE)).isEqualTo("augmenter.publish");
        });
        assertThat(registry.get(AugmenterMetrics.PRODUCER_ERRORS).counter().count()).isEqualTo(1.0);
    }

    @Test
    void aFailingRecipeNacksTheInputAndEmitsNothing() {
        processor.stop();
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

        List<Message<byte[]>> out = processor.handle(incoming(TestSamples.fashionId(4), TestSamples.fashion(4, new byte[784]).encode()));

        assertThat(out).isEmpty();
        assertThat(inputNacks).singleElement().satisfies(m ->
                assertThat(header(m.get(OutgoingKafkaRecordMetadata.class).orElseThrow(), Topics.HEADER_DLQ_REASON))
                        .isEqualTo(SampleProcessor.INTERNAL_ERROR));
    }

    private SampleProcessor processor(Recipe... recipes) {
        Augmenter augmenter = new Augmenter(new SampleDecoder(1 << 20), List.of(recipes), 0);
        return new SampleProcessor(augmenter, new AugmenterMetrics(registry), 1);
    }

    private Message<byte[]> incoming(String key, byte[] value) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.SAMPLES_RAW, 3, 42L, key, value);
        return Message.of(value, Metadata.of(new IncomingKafkaRecordMetadata<>(record, Channels.SAMPLES_RAW)),
                m -> {
                    inputAcks.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                },
                (t, m) -> {
                    inputNacks.add(m);
                    return CompletableFuture.completedFuture(null);
                });
    }

    private static OutgoingKafkaRecordMetadata<?> outgoing(Message<?> m) {
        return m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
    }

    private static String header(OutgoingKafkaRecordMetadata<?> md, String name) {
        Header h = md.getHeaders().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
