package io.sslstream.service.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.sslstream.contracts.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a record was given up, and where it came from: the four headers every dead-letter record of the platform
 * carries ({@link Topics#HEADER_DLQ_REASON} and the others), built in this one place. The record's key and value
 * stay the rejected record's, so that nothing of the input is lost and it can be replayed after a fix.
 *
 * <p>A service either sends the dead letter itself, on a channel whose messages name their topic
 * ({@link #metadata(String, String)}), or nacks the input with {@link #nackMetadata()} and lets the incoming
 * channel's {@code dead-letter-queue} failure strategy write it to its configured topic with these headers.
 *
 * @param reason  short, machine-readable, e.g. {@code decode.truncated}
 * @param stage   the stage that gave the record up, e.g. {@code augmenter.decode}
 * @param message what was wrong, for people; cut to {@value #MAX_MESSAGE_CHARS} characters
 * @param source  {@code topic/partition/offset} of the rejected record, or {@code unknown}
 */
public record DeadLetter(String reason, String stage, String message, String source) {

    /** Longest message put in a header: a stack of causes or a huge input must not make the record huge. */
    public static final int MAX_MESSAGE_CHARS = 1000;
    /** Source of a record that did not come from Kafka (or whose metadata is missing). */
    public static final String UNKNOWN_SOURCE = "unknown";

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(stage, "stage");
        message = String.valueOf(message);
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        source = source == null ? UNKNOWN_SOURCE : source;
    }

    /** A dead letter for the incoming message {@code in}; its source comes from the message's Kafka metadata. */
    public static DeadLetter of(String reason, String stage, String message, Message<?> in) {
        return new DeadLetter(reason, stage, message, source(in));
    }

    /** {@code topic/partition/offset}: the one way the platform names a record. */
    public static String source(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The {@link #source(String, int, long) source} of an incoming Kafka message, or {@value #UNKNOWN_SOURCE}. */
    public static String source(Message<?> in) {
        return incoming(in).map(md -> source(md.getTopic(), md.getPartition(), md.getOffset())).orElse(UNKNOWN_SOURCE);
    }

    /** The key of an incoming Kafka message, or null. */
    public static String key(Message<?> in) {
        return incoming(in).map(md -> md.getKey() == null ? null : md.getKey().toString()).orElse(null);
    }

    /** The four headers. */
    public Headers headers() {
        RecordHeaders h = new RecordHeaders();
        h.add(Topics.HEADER_DLQ_REASON, bytes(reason));
        h.add(Topics.HEADER_DLQ_STAGE, bytes(stage));
        h.add(Topics.HEADER_DLQ_MESSAGE, bytes(message));
        h.add(Topics.HEADER_DLQ_SOURCE, bytes(source));
        return h;
    }

    /** Metadata of a dead-letter record sent on an outgoing channel: to {@code topic}, keyed {@code key}. */
    public OutgoingKafkaRecordMetadata<String> metadata(String topic, String key) {
        return OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key).withHeaders(headers()).build();
    }

    /**
     * Metadata to nack an input with: the channel's {@code dead-letter-queue} failure strategy writes the record to
     * its configured topic, with the original key and these headers.
     */
    public Metadata nackMetadata() {
        return Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers()).build());
    }

    /** The dead letter a record's headers describe, if it has the reason header (readers, tests, reconciliation). */
    public static Optional<DeadLetter> read(Headers headers) {
        String reason = header(headers, Topics.HEADER_DLQ_REASON);
        if (reason == null) {
            return Optional.empty();
        }
        return Optional.of(new DeadLetter(reason, String.valueOf(header(headers, Topics.HEADER_DLQ_STAGE)),
                header(headers, Topics.HEADER_DLQ_MESSAGE), header(headers, Topics.HEADER_DLQ_SOURCE)));
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Optional<IncomingKafkaRecordMetadata<Object, Object>> incoming(Message<?> in) {
        return in.getMetadata(IncomingKafkaRecordMetadata.class).map(md -> (IncomingKafkaRecordMetadata<Object, Object>) md);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
