package io.sslstream.bench.pipeline;

import io.sslstream.cli.RawSampleLoader;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.IdxFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ingestion at a steady rate, as a camera or an upload stream arrives: Fashion-MNIST training images in a loop (the
 * epoch is part of each sample id, so every record is a new sample), written to {@code ssl.samples.raw} with the bulk
 * loader's producer settings. A fixed rate rather than as fast as possible: a backlog ingested at once would let the
 * augmenter finish early and leave the trainer the machine to itself, which is not the steady state.
 */
final class PacedFeeder implements Runnable {

    private final String bootstrap;
    private final IdxFile images;
    private final double perSecond;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final int burst;
    private final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param burst images sent at once first (enough for the trainer's first steps); the paced stream starts at
     *              {@link #startPacing()}, so the trainer's start-up does not leave a backlog that would hide waits
     */
    PacedFeeder(String bootstrap, IdxFile images, double perSecond, int burst) {
        this.bootstrap = bootstrap;
        this.images = images;
        this.perSecond = perSecond;
        this.burst = burst;
    }

    void startPacing() {
        go.countDown();
    }

    @Override
    public void run() {
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawSampleLoader.producerConfig(bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            long start = 0;
            for (long n = 0; running && failure.get() == null; n++) {
                if (n == burst) {
                    producer.flush();
                    go.await();
                    start = System.nanoTime();
                }
                long due = start + (long) ((n - burst) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (n >= burst && wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                int i = (int) (n % images.count());
                String id = "fashion-mnist/train/" + i + "/epoch" + n / images.count();
                RawSample s = RawSample.pixels(id, "fashion-mnist", "bench#" + i, rows, cols, 1, images.item(i));
                producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    void stop() {
        running = false;
    }

    long acked() {
        return acked.get();
    }

    /** The first error the broker returned, if any (the benchmark then fails: its numbers would be wrong). */
    Exception failure() {
        return failure.get();
    }
}
