package io.sslstream.bench.chaos;

import io.sslstream.cli.RawSampleLoader;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.IdxFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Streams Fashion-MNIST into {@code ssl.samples.raw} pass after pass (ids {@code fashion-mnist/chaos-pass<p>/<i>}, so
 * every pass is new samples), the next pass once the trainer has seen all but half a pass, with the loader's producer
 * settings (idempotent, acks=all) and a delivery timeout long enough to ride out a broker restart. What it counts as
 * fed is what the broker acknowledged.
 */
final class Feeder implements Runnable {

    static final String DATASET = "fashion-mnist";

    private final String bootstrap;
    private final IdxFile images;
    private final LongSupplier trainerSamples;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong acked = new AtomicLong();
    private final Set<String> ackedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong failed = new AtomicLong();
    private volatile int passes;

    Feeder(String bootstrap, IdxFile images, LongSupplier trainerSamples) {
        this.bootstrap = bootstrap;
        this.images = images;
        this.trainerSamples = trainerSamples;
    }

    static String id(int pass, int index) {
        return DATASET + "/chaos-pass" + pass + "/" + index;
    }

    @Override
    public void run() {
        Map<String, Object> config = new HashMap<>(RawSampleLoader.producerConfig(bootstrap));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "chaos-feeder");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
        int n = images.count();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (int pass = 1; running.get(); pass++) {
                while (pass > 1 && running.get() && trainerSamples.getAsLong() < acked.get() - n / 2) {
                    Thread.sleep(1_000);
                }
                for (int i = 0; i < n && running.get(); i++) {
                    String id = id(pass, i);
                    RawSample s = RawSample.pixels(id, DATASET, "chaos:" + pass + "/" + i, images.dims()[1], images.dims()[2], 1,
                            images.item(i));
                    producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()), (md, e) -> {
                        if (e == null) {
                            ackedIds.add(id);
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
                }
                producer.flush();
                passes = pass;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running.set(false);
    }

    /** Samples the broker acknowledged. */
    long acked() {
        return acked.get();
    }

    /** The ids of the samples the broker acknowledged. */
    Set<String> ackedIds() {
        return Set.copyOf(ackedIds);
    }

    /** Samples the producer gave up (a broker outage longer than the delivery timeout). */
    long failed() {
        return failed.get();
    }

    int passes() {
        return passes;
    }
}
