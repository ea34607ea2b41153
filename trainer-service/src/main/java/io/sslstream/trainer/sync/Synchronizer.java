package io.sslstream.trainer.sync;

import io.quarkus.logging.Log;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One replica's side of DiLoCo over Kafka. After every {@code every} local steps, {@link #sync} publishes the
 * replica's pseudo-gradient (start-of-round weights minus local weights, in FP16, in chunks), reads the sync topic
 * until the round is closed ({@link RoundLog} decides its members the same way on every replica), averages the
 * members' pseudo-gradients in replica order, applies the {@link OuterOptimizer} to the start-of-round weights and
 * writes the result into the model. Every replica, member or late, ends the round with bit-identical weights; the
 * next round's records carry their hash, so a replica on other weights is visible in the topic and the log.
 *
 * <p>A replica that falls behind (killed, restarted, slow) does not need anyone's weights: it replays the closed rounds
 * from the topic, from its checkpoint's {@link SyncState#logOffset} or the topic's start, each round's members'
 * pseudo-gradients being all an outer step needs. The topic must keep records at least as long as the gap between
 * checkpoints (docs/architecture.md, "Trainer replicas").
 *
 * <p>Not thread-safe: the training thread calls it between steps. Uses a plain Kafka producer and an assigned consumer
 * (no group): the training thread waits for the round anyway, and it must read one partition from a known offset.
 */
public final class Synchronizer implements AutoCloseable {

    /**
     * @param replicas          replicas the run is configured for
     * @param replicaId         this replica, {@code 0 <= replicaId < replicas}
     * @param every             local steps per round (H)
     * @param timeout           how long a replica waits for the others after sending its pseudo-gradient, before it
     *                          closes the round without them
     * @param outerLearningRate Nesterov SGD's learning rate
     * @param outerMomentum     Nesterov SGD's momentum
     * @param topic             sync topic (one partition)
     * @param chunkBytes        largest record value
     */
    public record Settings(int replicas, int replicaId, int every, Duration timeout, double outerLearningRate, double outerMomentum,
                           String topic, int chunkBytes) {
        public Settings {
            if (replicas < 1 || replicaId < 0 || replicaId >= replicas) {
                throw new IllegalArgumentException("replica id " + replicaId + " is not one of 0.." + (replicas - 1)
                        + " (ssl.trainer.replica-id, ssl.trainer.replicas)");
            }
            if (every < 1) {
                throw new IllegalArgumentException("ssl.trainer.sync.every must be >= 1, got " + every);
            }
            if (chunkBytes < 1024 || chunkBytes % 2 != 0) {
                throw new IllegalArgumentException("ssl.trainer.sync.chunk-bytes must be an even number >= 1024, got " + chunkBytes);
            }
        }
    }

    /**
     * The outcome of {@link #sync}.
     *
     * @param round       the last round applied (more than the one contributed to when the replica was behind)
     * @param members     that round's members
     * @param member      whether this replica's pseudo-gradient counted in the round it sent it for
     * @param leader      whether this replica is the lowest member of the last round applied (it writes checkpoints)
     * @param rounds      rounds applied by this call (1, or more when catching up)
     * @param seconds     from sending the pseudo-gradient until the weights were updated
     * @param bytesSent   record values sent
     * @param weightsHash hash of the weights now
     */
    public record Outcome(long round, List<Integer> members, boolean member, boolean leader, int rounds, double seconds,
                          long bytesSent, String weightsHash, String reason) {
    }

    private final Settings settings;
    private final String run;
    private final Weights weights;
    private final OuterOptimizer outer;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final RoundLog log;
    private final String attempt = UUID.randomUUID().toString().substring(0, 8);

    private float[][] start;
    private String startHash;
    private long round;
    private long logOffset;
    private long samples;
    private final Map<String, Long> offsets = new TreeMap<>();
    private List<Integer> lastMembers = List.of();

    Synchronizer(Settings settings, String run, Weights weights, KafkaProducer<String, byte[]> producer,
                 KafkaConsumer<String, byte[]> consumer) {
        this.settings = settings;
        this.run = run;
        this.weights = weights;
        this.outer = new OuterOptimizer(settings.outerLearningRate(), settings.outerMomentum(), weights.sizes(), weights.trained());
        this.producer = producer;
        this.consumer = consumer;
        this.partition = new TopicPartition(settings.topic(), 0);
        this.log = new RoundLog(run, weights.shapeHash(), Math.toIntExact(weights.elements() * 2), settings.replicas());
        consumer.assign(List.of(partition));
    }

    /** A synchronizer on a Kafka cluster; creates the sync topic (one partition) if it is missing. */
    public static Synchronizer open(Settings settings, String run, Weights weights, String bootstrapServers) {
        ensureTopic(bootstrapServers, settings.topic());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "trainer-sync-" + run + "-" + settings.replicaId());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "trainer-sync-" + run + "-" + settings.replicaId());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        return new Synchronizer(settings, run, weights, producer, consumer);
    }

    static void ensureTopic(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1))).all().get(60, TimeUnit.SECONDS);
            Log.infof("created the sync topic %s (1 partition)", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the sync topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the sync topic " + topic, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not create the sync topic " + topic + " within 60 s", e);
        }
    }

    /**
     * Takes the model's weights as the group's (restored from a checkpoint, or the seeded initial weights of a fresh
     * run), then replays every round closed in the topic since: from {@code restored}'s offset, or from the topic's
     * start when there is no sync state.
     *
     * @param restored     the checkpoint's sync state, or null (a fresh run, or a checkpoint of a run of one trainer)
     * @param baseSamples  without sync state: the samples the weights have seen (the checkpoint's)
     * @param baseOffsets  without sync state: the offsets the weights were trained to (the checkpoint's)
     * @return rounds replayed, or -1 if {@code running} turned false first
     */
    public int start(SyncState restored, long baseSamples, Map<String, Long> baseOffsets, BooleanSupplier running) {
        start = weights.read();
        startHash = Weights.hash(start);
        if (restored != null) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(restored.outerState()))) {
                outer.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("the checkpoint's outer optimizer state does not fit this model: " + e.getMessage(), e);
            }
            if (!restored.weightsHash().equals(startHash)) {
                throw new IllegalStateException("the checkpoint's weights hash " + restored.weightsHash() + " is not that of the "
                        + "weights restored (" + startHash + ")");
            }
            round = restored.round();
            logOffset = restored.logOffset();
            samples = restored.samples();
            offsets.putAll(restored.offsets());
            consumer.seek(partition, logOffset);
        } else {
            samples = baseSamples;
            offsets.putAll(baseOffsets);
            consumer.seekToBeginning(List.of(partition));
        }
        log.expect(round + 1, startHash, settings.replicas());
        Log.infof("replica %d of %d: weights %s after round %d; replaying the rounds closed since from %s", settings.replicaId(),
                settings.replicas(), shortHash(startHash), round, settings.topic());
        List<RoundLog.Closed> applied = new ArrayList<>();
        if (!readToEnd(applied, running)) {
            return -1;
        }
        if (!applied.isEmpty()) {
            Log.infof("replica %d caught up: %d rounds replayed, now after round %d (weights %s)", settings.replicaId(), applied.size(),
                    round, shortHash(startHash));
        }
        return applied.size();
    }

    /**
     * Ends this replica's round: sends its pseudo-gradient, waits until the round is closed (by all expected replicas'
     * pseudo-gradients, or by a deadline), applies the outer step of every round closed since, and leaves the model
     * holding the group's weights.
     *
     * @param stepsDone     local steps of the round
     * @param samplesDone   view sets trained on in the round
     * @param readOffsets   this replica's next offsets to read, as of the round's last batch
     * @return the outcome, or null if {@code running} turned false before the round closed (the model is then left
     *         as it is)
     */
    public Outcome sync(long stepsDone, long samplesDone, Map<String, Long> readOffsets, BooleanSupplier running) {
        long t0 = System.nanoTime();
        long contributedTo = round + 1;
        byte[] payload = encode(start, weights.read());
        int chunks = Math.max(1, (payload.length + settings.chunkBytes() - 1) / settings.chunkBytes());
        List<SyncRecord> records = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            int from = i * settings.chunkBytes();
            byte[] chunk = Arrays.copyOfRange(payload, from, Math.min(payload.length, from + settings.chunkBytes()));
            records.add(new SyncRecord(SyncRecord.Type.DELTA, run, contributedTo, startHash, settings.replicaId(), attempt,
                    settings.replicas(), weights.shapeHash(), i, chunks, stepsDone, samplesDone, readOffsets, null, chunk));
        }
        boolean sent = send(records);
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        boolean closeSent = false;
        List<RoundLog.Closed> applied = new ArrayList<>();
        boolean member = false;
        while (applied.isEmpty()) {
            if (!running.getAsBoolean()) {
                return null;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                RoundLog.Closed closed = take(r);
                if (closed != null) {
                    if (applied.isEmpty()) {
                        member = closed.round() == contributedTo && closed.memberIds().contains(settings.replicaId());
                    }
                    applied.add(closed);
                }
            }
            if (applied.isEmpty() && !closeSent) {
                boolean complete = log.completeCount() >= log.expected();
                if (complete || System.nanoTime() > deadline) {
                    closeSent = send(List.of(SyncRecord.close(run, log.round(), startHash, settings.replicaId(), attempt,
                            settings.replicas(), weights.shapeHash(), complete ? "complete" : "timeout")));
                }
            }
        }
        if (!readToEnd(applied, running)) {
            return null;
        }
        RoundLog.Closed last = applied.get(applied.size() - 1);
        if (!member) {
            Log.warnf("replica %d was left out of round %d (%s; members %s): it takes their outer step, its own %d steps are "
                            + "dropped%s", settings.replicaId(), contributedTo, sent ? "its pseudo-gradient came after the close"
                            : "it could not send its pseudo-gradient", applied.get(0).memberIds(), stepsDone,
                    applied.size() > 1 ? " (caught up " + applied.size() + " rounds)" : "");
        }
        return new Outcome(round, last.memberIds(), member, isLeader(), applied.size(), (System.nanoTime() - t0) / 1e9,
                sent ? payload.length : 0, startHash, last.reason());
    }

    /** Whether this replica is the lowest member of the last round applied (the one that writes checkpoints). */
    public boolean isLeader() {
        return !lastMembers.isEmpty() && lastMembers.get(0) == settings.replicaId();
    }

    /** The state a checkpoint written now carries. */
    public SyncState state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            outer.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SyncState(round, startHash, logOffset, samples, new TreeMap<>(offsets), bytes.toByteArray());
    }

    /** Puts the weights of the last round applied back into the model (a replica stopping mid-round, before its checkpoint). */
    public void restoreRoundWeights() {
        weights.write(start);
    }

    /** The last round applied (0 before the first). */
    public long round() {
        return round;
    }

    public String weightsHash() {
        return startHash;
    }

    /** View sets in the members' pseudo-gradients of every round applied (the checkpoint's samples seen). */
    public long samples() {
        return samples;
    }

    /** Next offsets of every partition the members trained on, as of the last round applied. */
    public Map<String, Long> offsets() {
        return new TreeMap<>(offsets);
    }

    public Settings settings() {
        return settings;
    }

    /** Reads the topic to its current end, applying every round closed on the way. */
    private boolean readToEnd(List<RoundLog.Closed> applied, BooleanSupplier running) {
        while (true) {
            if (!running.getAsBoolean()) {
                return false;
            }
            try {
                long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
                if (consumer.position(partition, Duration.ofSeconds(30)) >= end) {
                    return true;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // the broker is away (a restart): the round waits for it rather than failing the trainer
                Log.warnf("sync topic %s: no answer from the broker (%s); trying again", settings.topic(), e.getMessage());
                continue;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                RoundLog.Closed closed = take(r);
                if (closed != null) {
                    applied.add(closed);
                }
            }
        }
    }

    /** Offers a record to the round log; applies the round if the record closed it. */
    private RoundLog.Closed take(ConsumerRecord<String, byte[]> r) {
        SyncRecord rec;
        try {
            rec = SyncRecord.from(r);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped sync record at offset %d: %s", r.offset(), e.getMessage());
            return null;
        }
        RoundLog.Closed closed = log.offer(rec).orElse(null);
        log.drainProblems().forEach(p -> Log.warnf("sync topic offset %d: %s", r.offset(), p));
        if (closed == null) {
            return null;
        }
        if (!log.otherWeights().isEmpty()) {
            Log.errorf("replicas %s sent round %d from other weights than this replica's %s: they are on another timeline and "
                    + "were not counted", log.otherWeights(), closed.round(), shortHash(closed.startHash()));
        }
        apply(closed, r.offset());
        return closed;
    }

    private void apply(RoundLog.Closed closed, long closeOffset) {
        if (!closed.members().isEmpty()) {
            List<float[][]> deltas = new ArrayList<>();
            for (RoundLog.Contribution c : closed.members()) {
                deltas.add(decode(c.payload()));
                samples += c.samples();
                c.offsets().forEach((k, v) -> offsets.merge(k, v, Math::max));
            }
            outer.step(start, OuterOptimizer.mean(deltas));
            weights.write(start);
            startHash = Weights.hash(start);
        }
        round = closed.round();
        logOffset = closeOffset + 1;
        lastMembers = closed.memberIds();
        log.expect(round + 1, startHash, settings.replicas());
        Log.debugf("round %d closed (%s by replica %d): members %s, late %s, weights now %s", round, closed.reason(),
                closed.closedBy(), closed.memberIds(), closed.late(), shortHash(startHash));
    }

    private boolean send(List<SyncRecord> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (SyncRecord r : records) {
            acks.add(producer.send(r.toProducerRecord(settings.topic())));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> f : acks) {
                f.get();
            }
            return true;
        } catch (ExecutionException e) {
            Log.warnf("could not send to the sync topic %s: %s", settings.topic(), e.getCause().toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code start - local} of every element, as FP16, big-endian. */
    static byte[] encode(float[][] start, float[][] local) {
        int n = 0;
        for (float[] t : start) {
            n += t.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n * 2);
        for (int t = 0; t < start.length; t++) {
            float[] s = start[t];
            float[] l = local[t];
            for (int i = 0; i < s.length; i++) {
                b.putShort(Half.fromFloat(s[i] - l[i]));
            }
        }
        return b.array();
    }

    private float[][] decode(byte[] payload) {
        int[] sizes = weights.sizes();
        ByteBuffer b = ByteBuffer.wrap(payload);
        float[][] d = new float[sizes.length][];
        for (int t = 0; t < sizes.length; t++) {
            float[] v = new float[sizes[t]];
            for (int i = 0; i < v.length; i++) {
                v[i] = Half.toFloat(b.getShort());
            }
            d[t] = v;
        }
        return d;
    }

    static String shortHash(String h) {
        return h.substring(0, Math.min(12, h.length()));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
