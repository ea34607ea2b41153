package io.sslstream.augmenter.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.sslstream.augmenter.AugmenterMetrics;
import io.sslstream.augmenter.config.AugmenterConfig;
import io.sslstream.contracts.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The augmenter's stream, {@code ssl.samples.raw} in, view sets and dead letters out, on plain Kafka clients: one
 * thread ({@value #THREAD_NAME}) polls batches of raw samples, hands each batch whole to the worker pool (every worker
 * takes the batch's next record until none is left), sends the outputs in record order when the batch is augmented, and
 * commits a batch's offsets once the broker has stored all of its outputs. Up to {@value #MAX_IN_FLIGHT} batches are in
 * flight, so the workers augment the next batch while this thread sends the last one and the broker stores it.
 *
 * <p>What it keeps (docs/architecture.md, "Augmenter"):
 * <ul>
 *   <li>An input's offset is committed only when every output made from it is stored (acks from all in-sync replicas,
 *   an idempotent producer): batches settle in order, and only settled batches' offsets are committed, every
 *   {@code ssl.augmenter.stream.commit-interval}, at a rebalance (after the batches in flight are settled) and at
 *   shutdown. A crash re-reads, never loses, a sample.</li>
 *   <li>Bad input becomes a dead letter ({@link SampleProcessor}); an input one of whose outputs the broker refused is
 *   dead-lettered ({@link SampleProcessor#PUBLISH_FAILED}) before its batch settles. If even that dead letter is refused
 *   the stream stops without committing past it, and the liveness check fails, so the service is restarted and reads
 *   the input again.</li>
 *   <li>Records of one partition, so all records of one key, leave in the order they came, from this one thread.</li>
 * </ul>
 *
 * <p>Why not Reactive Messaging: its per-record path (a message, metadata, an acknowledgement and a thread hop per record
 * in and per record out) cost the service far more CPU than the augmentation itself (docs/benchmarks.md,
 * {@code ./bench augmenter}). The posted samples of the REST API still go out through a Reactive Messaging channel
 * ({@link SampleSender}).
 */
@ApplicationScoped
public class SampleStream {

    /** Name of the stream's thread (the workers are {@code augmenter-worker-<n>}). */
    public static final String THREAD_NAME = "augmenter-stream";
    /** Batches polled and not yet settled, at most. */
    static final int MAX_IN_FLIGHT = 3;
    /** Poll timeout with nothing in flight. */
    static final Duration IDLE_POLL = Duration.ofMillis(100);
    /** Longest wait for a batch's augmentation before polling again (the consumer must poll regularly). */
    static final long WAIT_MS = 10;

    /** What the health checks see. */
    public enum State {
        STARTING, RUNNING, STOPPED, FAILED
    }

    private final SampleProcessor processor;
    private final AugmenterMetrics metrics;
    private final AugmenterConfig.Stream config;
    private final Map<String, Object> kafka;
    private final int workers;
    private final ExecutorService pool;
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    /** The next offset to commit per partition, of settled batches; only ever grows while the partition is assigned. */
    private final Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
    private boolean commitDue;
    private long lastCommit;
    private volatile boolean running;
    private volatile State state = State.STARTING;
    private volatile Throwable failure;
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    SampleStream(SampleProcessor processor, AugmenterMetrics metrics, AugmenterConfig config,
                 @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.processor = processor;
        this.metrics = metrics;
        this.config = config.stream();
        this.kafka = Map.copyOf(kafka);
        this.workers = config.workers().orElse(Runtime.getRuntime().availableProcessors());
        if (workers <= 0) {
            throw new IllegalArgumentException("ssl.augmenter.workers must be positive, got " + workers);
        }
        if (this.config.maxBatch() <= 0) {
            throw new IllegalArgumentException("ssl.augmenter.stream.max-batch must be positive, got " + this.config.maxBatch());
        }
        AtomicInteger n = new AtomicInteger();
        // a fixed pool: per-thread scratch buffers stay few, and the CPU budget of a sample is its worker's CPU time
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "augmenter-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The consumer's configuration: the service's {@code kafka.*} settings, then the stream's. */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // offsets are committed by the stream, behind stored outputs, never by a timer
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new consumer group augments the backlog, not only what arrives after it joins
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // samples a transactional producer aborted (the Orthanc connector, when the PACS or the broker failed mid-way)
        // are never augmented; records of other producers are read as before
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return Map.copyOf(c);
    }

    /** The producer's configuration: the service's {@code kafka.*} settings, then the stream's; it keeps data. */
    public Map<String, Object> producerConfig() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, config.producerBatchBytes());
        p.put(ProducerConfig.LINGER_MS_CONFIG, config.lingerMs());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return Map.copyOf(p);
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, THREAD_NAME);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @PreDestroy
    void shutdownPool() {
        pool.shutdown();
    }

    public State state() {
        return state;
    }

    /** Why the stream stopped, if it failed. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            producer = new KafkaProducer<>(producerConfig());
            consumer = new KafkaConsumer<>(consumerConfig());
            consumer.subscribe(List.of(Topics.SAMPLES_RAW), new Rebalance());
            state = State.RUNNING;
            Log.infof("Augmenter stream: %s in, %d workers, batches of up to %d records, offsets committed every %d ms",
                    Topics.SAMPLES_RAW, workers, config.maxBatch(), config.commitInterval().toMillis());
            while (running) {
                step();
            }
            settleAll();
            commit(true);
            state = State.STOPPED;
        } catch (Throwable e) {
            failure = e;
            state = State.FAILED;
            Log.errorf(e, "The augmenter stream stopped; offsets are committed up to the last settled batch, the liveness check fails");
            try {
                commit(true);
            } catch (RuntimeException ignored) {
                // the failure above is what matters
            }
        } finally {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(10));
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        }
    }

    /** One turn of the loop: poll (unless enough is in flight), send what is augmented, retire what is settled, commit. */
    private void step() throws InterruptedException {
        boolean full = inFlight.size() >= MAX_IN_FLIGHT;
        if (full) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        ConsumerRecords<String, byte[]> polled = consumer.poll(inFlight.isEmpty() ? IDLE_POLL : Duration.ZERO);
        if (!polled.isEmpty()) {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(polled.count());
            polled.forEach(records::add);
            inFlight.add(augment(new Batch(records)));
        }
        boolean progressed = advance();
        commit(false);
        if (!progressed && (full || polled.isEmpty())) {
            awaitProgress();
        }
    }

    /** Hands the batch to the workers: each takes the next record until none is left. */
    private Batch augment(Batch batch) {
        List<ConsumerRecord<String, byte[]>> records = batch.records();
        int n = records.size();
        @SuppressWarnings("unchecked")
        List<SampleProcessor.Output>[] outputs = new List[n];
        CompletableFuture<List<List<SampleProcessor.Output>>> done = new CompletableFuture<>();
        AtomicInteger next = new AtomicInteger();
        int tasks = Math.min(workers, n);
        AtomicInteger working = new AtomicInteger(tasks);
        Runnable task = () -> {
            try {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    outputs[i] = processor.process(records.get(i));
                }
            } catch (Throwable e) {
                // the processor never throws; this is an Error (out of memory): the stream stops
                done.completeExceptionally(e);
            } finally {
                if (working.decrementAndGet() == 0) {
                    done.complete(Arrays.asList(outputs));
                }
            }
        };
        batch.augmenting(done);
        for (int t = 0; t < tasks; t++) {
            pool.execute(task);
        }
        return batch;
    }

    /**
     * Sends the outputs of augmented batches in order (a batch waits for the one before it), dead-letters refused
     * inputs, and retires settled batches at the head into the committable offsets.
     *
     * @return whether anything moved
     */
    private boolean advance() {
        boolean progressed = false;
        for (Batch b : inFlight) {
            if (b.sent()) {
                continue;
            }
            if (!b.augmented().isDone()) {
                break;
            }
            send(b, b.augmented().join());
            progressed = true;
        }
        while (!inFlight.isEmpty()) {
            Batch head = inFlight.peek();
            if (!head.sent() || !head.answered()) {
                break;
            }
            List<Batch.Refusal> refused = head.refused();
            if (!refused.isEmpty()) {
                for (Batch.Refusal r : refused) {
                    producer.send(processor.publishFailed(r.record(), r.failure()).record(), head.deadLetter());
                }
                progressed = true;
                break;
            }
            if (head.deadLetterFailure() != null) {
                throw new IllegalStateException("the broker refused the dead letter of an input whose output it refused; "
                        + "not committing past it", head.deadLetterFailure());
            }
            inFlight.poll();
            committable.putAll(head.offsets());
            commitDue = true;
            progressed = true;
        }
        return progressed;
    }

    private void send(Batch batch, List<List<SampleProcessor.Output>> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            for (SampleProcessor.Output o : outputs.get(i)) {
                String recipe = o.recipe();
                Runnable stored = recipe == null ? () -> { } : () -> metrics.viewSetOut(recipe);
                producer.send(o.record(), batch.output(i, stored));
            }
        }
        batch.markSent();
    }

    /** Nothing to do now: waits a little for the first batch still being augmented, else for the broker's answers. */
    private void awaitProgress() throws InterruptedException {
        for (Batch b : inFlight) {
            if (!b.augmented().isDone()) {
                try {
                    b.augmented().get(WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // go round: a failure shows in advance()
                }
                return;
            }
        }
        if (!inFlight.isEmpty()) {
            Thread.sleep(1);
        }
    }

    /** Settles every batch in flight: waits for the workers, sends, and waits for the broker's answers. */
    private void settleAll() {
        while (!inFlight.isEmpty()) {
            advance();
            Batch waiting = inFlight.stream().filter(b -> !b.augmented().isDone()).findFirst().orElse(null);
            if (waiting != null) {
                waiting.augmented().join();
            } else if (!inFlight.isEmpty()) {
                producer.flush();
            }
        }
    }

    /** Commits the settled offsets when due (or now, synchronously, when {@code now}). */
    private void commit(boolean now) {
        if (committable.isEmpty() || !(commitDue || now)) {
            return;
        }
        long t = System.nanoTime();
        if (now) {
            consumer.commitSync(Map.copyOf(committable));
            commitDue = false;
            lastCommit = t;
        } else if (t - lastCommit >= config.commitInterval().toNanos()) {
            commitDue = false;
            lastCommit = t;
            consumer.commitAsync(Map.copyOf(committable), (offsets, e) -> {
                if (e != null) {
                    // the next commit carries these offsets again (or later ones)
                    commitDue = true;
                    Log.warnf("Committing offsets of %s failed (%s); retrying with the next commit", Topics.SAMPLES_RAW, e.toString());
                }
            });
        }
    }

    /** Before partitions go to another consumer, what was polled from them is settled and committed. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            settleAll();
            try {
                commit(true);
            } catch (RuntimeException e) {
                Log.warnf("Committing offsets before a rebalance failed (%s); the next owner re-augments those samples", e.toString());
            }
            committable.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Log.debugf("Augmenter stream: assigned %s", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // another consumer owns them already: finish what is in flight, commit nothing of theirs
            settleAll();
            committable.keySet().removeAll(partitions);
        }
    }
}
