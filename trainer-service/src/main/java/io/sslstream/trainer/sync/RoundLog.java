package io.sslstream.trainer.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides a round's members from the sync topic, read in order. The topic has one partition, so every replica reads
 * the same records in the same order, and the rule below gives every replica the same answer without any further
 * message:
 * <blockquote>A round's members are the replicas whose pseudo-gradient for it (all of its chunks, from the same
 * round and start weights) comes before the round's first {@link SyncRecord.Type#CLOSE} record.</blockquote>
 * A replica writes a close once it has seen every expected replica's pseudo-gradient, or once its deadline has
 * passed; either way the first close in the topic is the one that counts. A pseudo-gradient after it is late: its
 * replica is left out of the round and takes the members' outer step like everyone else.
 *
 * <p>Pure bookkeeping, no I/O: {@link Synchronizer} feeds it the topic.
 */
public final class RoundLog {

    /** A replica's whole pseudo-gradient for the round. */
    public record Contribution(int replica, String attempt, long steps, long samples, Map<String, Long> offsets, byte[] payload) {
    }

    /**
     * A round that has ended.
     *
     * @param members  the contributions that count, by replica id
     * @param reason   the first close's reason
     * @param closedBy replica that wrote that close
     * @param late     replicas that had sent part of a pseudo-gradient when the round closed
     * @param expected the largest replica count any record of the round was configured for
     */
    public record Closed(long round, String startHash, List<Contribution> members, String reason, int closedBy,
                         List<Integer> late, int expected) {
        public List<Integer> memberIds() {
            return members.stream().map(Contribution::replica).toList();
        }
    }

    private final String run;
    private final String shapeHash;
    private final int payloadBytes;
    private long round;
    private String startHash;
    private int expected;
    private final Map<String, byte[][]> partial = new HashMap<>();
    private final Map<String, SyncRecord> firstChunk = new HashMap<>();
    private final TreeMap<Integer, Contribution> complete = new TreeMap<>();
    private final TreeSet<Integer> otherWeights = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param payloadBytes the size of a whole pseudo-gradient (2 bytes per element); one of another size does not count
     */
    public RoundLog(String run, String shapeHash, int payloadBytes, int expected) {
        this.run = run;
        this.shapeHash = shapeHash;
        this.payloadBytes = payloadBytes;
        this.expected = expected;
    }

    /** The round to collect next: {@code round} from the weights hashed as {@code startHash}. Forgets the previous one. */
    public void expect(long round, String startHash, int replicas) {
        this.round = round;
        this.startHash = startHash;
        this.expected = replicas;
        partial.clear();
        firstChunk.clear();
        complete.clear();
        otherWeights.clear();
    }

    public long round() {
        return round;
    }

    public String startHash() {
        return startHash;
    }

    /** Replicas with a whole pseudo-gradient for the round so far. */
    public int completeCount() {
        return complete.size();
    }

    public boolean hasComplete(int replica) {
        return complete.containsKey(replica);
    }

    /** The largest replica count this round's records were configured for (at least the local one). */
    public int expected() {
        return expected;
    }

    /** Replicas that sent records for this round number from other start weights (a replica on another timeline). */
    public TreeSet<Integer> otherWeights() {
        return otherWeights;
    }

    /** Records that did not count and why (malformed sizes, other models); drained by the caller for its log. */
    public List<String> drainProblems() {
        List<String> p = new ArrayList<>(problems);
        problems.clear();
        return p;
    }

    /** Takes the next record of the topic; returns the round if this record closed it. */
    public Optional<Closed> offer(SyncRecord r) {
        if (!run.equals(r.run()) || r.round() != round) {
            return Optional.empty(); // another run, a round already applied, or one of another timeline's future
        }
        if (!startHash.equals(r.startHash())) {
            otherWeights.add(r.replica());
            return Optional.empty();
        }
        if (!shapeHash.equals(r.shapeHash())) {
            problems.add("replica " + r.replica() + " sent round " + round + " for another model (shape hash " + r.shapeHash()
                    + ", ours " + shapeHash + "): not counted");
            return Optional.empty();
        }
        expected = Math.max(expected, r.expected());
        if (r.type() == SyncRecord.Type.CLOSE) {
            TreeSet<Integer> late = new TreeSet<>();
            for (SyncRecord first : firstChunk.values()) {
                if (!complete.containsKey(first.replica())) {
                    late.add(first.replica());
                }
            }
            return Optional.of(new Closed(round, startHash, List.copyOf(complete.values()), r.reason(), r.replica(),
                    List.copyOf(late), expected));
        }
        if (complete.containsKey(r.replica())) {
            return Optional.empty(); // an attempt of this replica already counts
        }
        String key = r.replica() + "/" + r.attempt();
        if (r.chunks() <= 0 || r.chunk() < 0 || r.chunk() >= r.chunks()) {
            problems.add("replica " + r.replica() + " sent chunk " + r.chunk() + " of " + r.chunks() + ": not counted");
            return Optional.empty();
        }
        byte[][] chunks = partial.computeIfAbsent(key, k -> new byte[r.chunks()][]);
        firstChunk.putIfAbsent(key, r);
        if (chunks.length != r.chunks()) {
            problems.add("replica " + r.replica() + " changed its chunk count within an attempt: not counted");
            return Optional.empty();
        }
        chunks[r.chunk()] = r.payload();
        int total = 0;
        for (byte[] c : chunks) {
            if (c == null) {
                return Optional.empty();
            }
            total += c.length;
        }
        partial.remove(key);
        if (total != payloadBytes) {
            problems.add("replica " + r.replica() + " sent " + total + " bytes of pseudo-gradient, the model needs " + payloadBytes
                    + ": not counted");
            return Optional.empty();
        }
        byte[] whole = new byte[total];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, whole, at, c.length);
            at += c.length;
        }
        for (int i = 0; i < whole.length; i += 2) {
            if ((whole[i] & 0x7c) == 0x7c) { // exponent all ones: an infinity or a NaN
                problems.add("replica " + r.replica() + " sent a pseudo-gradient with a NaN or an infinity (element " + i / 2
                        + "): not counted, so that no replica's weights take it");
                return Optional.empty();
            }
        }
        SyncRecord head = firstChunk.get(key);
        complete.put(r.replica(), new Contribution(r.replica(), r.attempt(), head.steps(), head.samples(), head.offsets(), whole));
        return Optional.empty();
    }
}
