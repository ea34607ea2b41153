package io.sslstream.trainer.sync;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One record of the sync topic ({@code ssl.trainer.sync}, one partition, keyed by run): a chunk of a replica's
 * pseudo-gradient for a round ({@link Type#DELTA}), or the end of a round ({@link Type#CLOSE}). Everything but the
 * chunk's bytes is in headers; docs/architecture.md ("Trainer replicas") is the contract.
 *
 * @param round     round number (the first round after a fresh start or a checkpoint without sync state is 1)
 * @param startHash {@link Weights#hash} of the weights the round started from: a round is (round, startHash), so that
 *                  records of another timeline (a replica on other weights) never mix in
 * @param replica   sender's replica id
 * @param attempt   sender's process (a random id per process): a replica restarted mid-round sends the round again as
 *                  a new attempt, and only one attempt per replica counts
 * @param expected  replicas the sender is configured for ({@code ssl.trainer.replicas})
 * @param shapeHash {@link Weights#shapeHash} of the sender's model
 * @param chunk     index of this chunk, from 0
 * @param chunks    chunks of the whole pseudo-gradient
 * @param steps     local steps of the round
 * @param samples   view sets trained on in the round
 * @param offsets   the sender's next offsets to read ({@code topic/partition} to offset) as of the round's end
 * @param reason    a close's reason ({@code complete} or {@code timeout}); null for a delta
 * @param payload   the chunk's bytes (FP16 values, big-endian); empty for a close
 */
public record SyncRecord(Type type, String run, long round, String startHash, int replica, String attempt, int expected,
                         String shapeHash, int chunk, int chunks, long steps, long samples, Map<String, Long> offsets,
                         String reason, byte[] payload) {

    public enum Type { DELTA, CLOSE }

    public static final String H_TYPE = "ssl-sync-type";
    public static final String H_RUN = "ssl-run";
    public static final String H_ROUND = "ssl-round";
    public static final String H_START = "ssl-start-hash";
    public static final String H_REPLICA = "ssl-replica";
    public static final String H_ATTEMPT = "ssl-attempt";
    public static final String H_EXPECTED = "ssl-replicas";
    public static final String H_SHAPE = "ssl-shape-hash";
    public static final String H_CHUNK = "ssl-chunk";
    public static final String H_CHUNKS = "ssl-chunks";
    public static final String H_STEPS = "ssl-steps";
    public static final String H_SAMPLES = "ssl-samples";
    public static final String H_OFFSETS = "ssl-offsets";
    public static final String H_REASON = "ssl-reason";

    public static SyncRecord close(String run, long round, String startHash, int replica, String attempt, int expected,
                                   String shapeHash, String reason) {
        return new SyncRecord(Type.CLOSE, run, round, startHash, replica, attempt, expected, shapeHash, 0, 0, 0, 0, Map.of(),
                reason, new byte[0]);
    }

    public ProducerRecord<String, byte[]> toProducerRecord(String topic) {
        Headers h = new RecordHeaders();
        put(h, H_TYPE, type.name().toLowerCase());
        put(h, H_RUN, run);
        put(h, H_ROUND, Long.toString(round));
        put(h, H_START, startHash);
        put(h, H_REPLICA, Integer.toString(replica));
        put(h, H_ATTEMPT, attempt);
        put(h, H_EXPECTED, Integer.toString(expected));
        put(h, H_SHAPE, shapeHash);
        if (type == Type.DELTA) {
            put(h, H_CHUNK, Integer.toString(chunk));
            put(h, H_CHUNKS, Integer.toString(chunks));
            put(h, H_STEPS, Long.toString(steps));
            put(h, H_SAMPLES, Long.toString(samples));
            put(h, H_OFFSETS, formatOffsets(offsets));
        } else {
            put(h, H_REASON, reason);
        }
        return new ProducerRecord<>(topic, 0, run, payload, h);
    }

    /**
     * The sync record a consumer read, or an {@link IllegalArgumentException} saying which header is missing or
     * malformed (the caller skips such a record: the topic is the trainers' own, a bad record is a bug or a stranger).
     */
    public static SyncRecord from(ConsumerRecord<String, byte[]> r) {
        Headers h = r.headers();
        String type = get(h, H_TYPE);
        Type t = switch (type) {
            case "delta" -> Type.DELTA;
            case "close" -> Type.CLOSE;
            default -> throw new IllegalArgumentException("unknown " + H_TYPE + " '" + type + "'");
        };
        byte[] payload = r.value() == null ? new byte[0] : r.value();
        if (t == Type.DELTA) {
            return new SyncRecord(t, get(h, H_RUN), number(h, H_ROUND), get(h, H_START), (int) number(h, H_REPLICA),
                    get(h, H_ATTEMPT), (int) number(h, H_EXPECTED), get(h, H_SHAPE), (int) number(h, H_CHUNK),
                    (int) number(h, H_CHUNKS), number(h, H_STEPS), number(h, H_SAMPLES), parseOffsets(get(h, H_OFFSETS)),
                    null, payload);
        }
        return new SyncRecord(t, get(h, H_RUN), number(h, H_ROUND), get(h, H_START), (int) number(h, H_REPLICA),
                get(h, H_ATTEMPT), (int) number(h, H_EXPECTED), get(h, H_SHAPE), 0, 0, 0, 0, Map.of(), get(h, H_REASON), payload);
    }

    /** {@code topic/0=12,topic/1=40}. */
    static String formatOffsets(Map<String, Long> offsets) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(offsets).forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    static Map<String, Long> parseOffsets(String s) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (s.isEmpty()) {
            return m;
        }
        for (String kv : s.split(",")) {
            int eq = kv.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed " + H_OFFSETS + " entry '" + kv + "'");
            }
            m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return m;
    }

    private static void put(Headers h, String key, String value) {
        h.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String get(Headers h, String key) {
        Header v = h.lastHeader(key);
        if (v == null || v.value() == null) {
            throw new IllegalArgumentException("no " + key + " header");
        }
        return new String(v.value(), StandardCharsets.UTF_8);
    }

    private static long number(Headers h, String key) {
        String v = get(h, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + v + "'");
        }
    }
}
