package io.sslstream.service.messaging;

import io.sslstream.contracts.Topics;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTest {

    @Test
    void headersRoundTripThroughRead() {
        DeadLetter d = new DeadLetter("decode.truncated", "augmenter.decode", "needs 12 more bytes", "ssl.samples.raw/3/41");
        Headers h = d.headers();
        assertThat(new String(h.lastHeader(Topics.HEADER_DLQ_REASON).value(), StandardCharsets.UTF_8)).isEqualTo("decode.truncated");
        assertThat(new String(h.lastHeader(Topics.HEADER_DLQ_SOURCE).value(), StandardCharsets.UTF_8)).isEqualTo("ssl.samples.raw/3/41");
        assertThat(DeadLetter.read(h)).contains(d);
    }

    @Test
    void longMessagesAreCutAndNullsNamed() {
        DeadLetter d = new DeadLetter("r", "s", "x".repeat(5000), null);
        assertThat(d.message()).hasSize(DeadLetter.MAX_MESSAGE_CHARS + 3).endsWith("...");
        assertThat(d.source()).isEqualTo(DeadLetter.UNKNOWN_SOURCE);
        assertThat(new DeadLetter("r", "s", null, "t/0/1").message()).isEqualTo("null");
    }

    @Test
    void aMessageWithoutKafkaMetadataHasAnUnknownSourceAndNoKey() {
        Message<byte[]> m = Message.of(new byte[1]);
        assertThat(DeadLetter.source(m)).isEqualTo(DeadLetter.UNKNOWN_SOURCE);
        assertThat(DeadLetter.key(m)).isNull();
        assertThat(DeadLetter.source("ssl.views.simclr", 2, 7)).isEqualTo("ssl.views.simclr/2/7");
    }

    @Test
    void metadataNamesTopicKeyAndHeaders() {
        var md = new DeadLetter("r", "s", "m", "t/0/1").metadata(Topics.SAMPLES_DLQ, "sample-1");
        assertThat(md.getTopic()).isEqualTo(Topics.SAMPLES_DLQ);
        assertThat(md.getKey()).isEqualTo("sample-1");
        assertThat(DeadLetter.read(md.getHeaders())).map(DeadLetter::reason).contains("r");
    }

    @Test
    void recordsWithoutTheReasonHeaderAreNotDeadLetters() {
        assertThat(DeadLetter.read(new org.apache.kafka.common.header.internals.RecordHeaders())).isEmpty();
    }
}
