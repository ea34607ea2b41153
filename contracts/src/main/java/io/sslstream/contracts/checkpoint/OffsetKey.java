package io.sslstream.contracts.checkpoint;

import java.util.Objects;

/**
 * A key of {@link CheckpointManifest#offsets()}: one partition of a topic, written {@code topic/partition}. The
 * trainer builds the keys when it records what it trained on, and parses them when a resumed consumer seeks; both
 * go through this type so the format lives in one place.
 *
 * @param topic     Kafka topic (never contains {@code /}: Kafka allows only {@code [a-zA-Z0-9._-]})
 * @param partition partition number, not negative
 */
public record OffsetKey(String topic, int partition) {

    public OffsetKey {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a Kafka topic name: '" + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative, got " + partition + " for " + topic);
        }
    }

    /** Parses {@code topic/partition}; anything else is an {@link IllegalArgumentException} naming the text. */
    public static OffsetKey parse(String key) {
        int slash = key == null ? -1 : key.lastIndexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("offset key must be topic/partition, got '" + key + "'");
        }
        try {
            return new OffsetKey(key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset key must be topic/partition, got '" + key + "'", e);
        }
    }

    /** {@code topic/partition}, the form stored in the manifest. */
    @Override
    public String toString() {
        return topic + "/" + partition;
    }
}
