package io.sslstream.cli;

import io.sslstream.contracts.SampleIds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.IdxFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Streams the images of an IDX file (Fashion-MNIST, MNIST) into {@code ssl.samples.raw} as raw-pixel
 * {@link RawSample}s keyed {@code <dataset>/<split>/<index>}, with a producer that keeps data: idempotent,
 * acks from all replicas, lz4-compressed, and every send checked before the loader reports success.
 */
public final class RawSampleLoader {

    /** Producer settings for raw samples: nothing lost, nothing duplicated by retries, compressed. */
    public static Map<String, Object> producerConfig(String bootstrap) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, "sslctl-loader");
    }

    /**
     * Sends up to {@code limit} images; returns the number sent (all acknowledged).
     *
     * @param images    an IDX images file, {@code (n, rows, cols)} uint8
     * @param dataset   dataset name written into each sample and its key
     * @param split     split name in the key, e.g. {@code train}
     * @param keepGoing checked between records: false stops the load early
     * @throws IOException if the file is unreadable or the broker rejected a record
     * @throws IllegalArgumentException if the dataset or split would make ids the platform refuses ({@link SampleIds})
     */
    public static long load(String bootstrap, Path images, String dataset, String split, int limit, PrintStream progressOut,
                            BooleanSupplier keepGoing) throws IOException {
        SampleIds.requireDataset(dataset);
        SampleIds.requireSampleId(dataset + "/" + split + "/0");
        IdxFile idx = IdxFile.read(images, limit);
        if (idx.dims().length != 3) {
            throw new IOException(images + " holds " + idx.dims().length + "-d items, expected images (n, rows, cols)");
        }
        int rows = idx.dims()[1];
        int cols = idx.dims()[2];
        Progress progress = new Progress("loading " + dataset + "/" + split, idx.count(), progressOut);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < idx.count() && keepGoing.getAsBoolean() && failure.get() == null; i++) {
                String id = dataset + "/" + split + "/" + i;
                RawSample s = RawSample.pixels(id, dataset, images.toUri() + "#" + i, rows, cols, 1, idx.item(i));
                producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                sent++;
                progress.update(acked.get());
            }
            producer.flush();
        }
        progress.finish(acked.get());
        if (failure.get() != null) {
            throw new IOException("the broker rejected a sample after " + acked.get() + " were stored: " + failure.get(), failure.get());
        }
        if (acked.get() != sent) {
            throw new IOException(sent + " samples sent but " + acked.get() + " acknowledged");
        }
        return sent;
    }

    private RawSampleLoader() {
    }
}
