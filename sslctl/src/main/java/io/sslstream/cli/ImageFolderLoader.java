package io.sslstream.cli;

import io.sslstream.contracts.SampleIds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Streams the PNG and JPEG files of a folder, recursively, into {@code ssl.samples.raw}: each file's bytes as they
 * are (the augmenter decodes them), as a {@link RawSample} of type {@code image/png} or {@code image/jpeg} keyed
 * {@code <dataset>/<path relative to the folder>}, through the same data-keeping producer as the IDX loader.
 *
 * <p>Files are taken in path order, so that {@code --limit} and the keys are the same on every run. A file named
 * like an image whose bytes are neither PNG nor JPEG, that is larger than a Kafka record may be, or whose id the
 * platform would refuse ({@link SampleIds}: e.g. a name with a {@code #} or a control character, or a path longer than
 * 512 bytes) is not sent: it is listed on the error stream and counted in the result, never dropped silently.
 */
public final class ImageFolderLoader {

    /** The default largest file: a record must fit the broker's default 1 MiB limit with its header. */
    public static final int DEFAULT_MAX_BYTES = 1_000_000;

    /**
     * What a load did.
     *
     * @param sent    files stored in the topic (every one acknowledged by the broker)
     * @param skipped files not sent, each with its reason (printed as they were found)
     */
    public record Result(long sent, List<String> skipped) {
    }

    private ImageFolderLoader() {
    }

    /** The image files under {@code dir} by extension ({@code .png}, {@code .jpg}, {@code .jpeg}, any case), in path order. */
    public static List<Path> imageFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a folder");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
                    })
                    .sorted()
                    .toList();
        }
    }

    /**
     * Sends up to {@code limit} images of {@code dir}.
     *
     * @param keepGoing checked between files: false stops the load early
     * @throws IOException if the folder is unreadable or the broker rejected a record
     * @throws IllegalArgumentException if {@code dataset} is not a valid dataset name ({@link SampleIds})
     */
    public static Result load(String bootstrap, Path dir, String dataset, int limit, int maxBytes, PrintStream progressOut,
                              PrintStream errors, BooleanSupplier keepGoing) throws IOException {
        SampleIds.requireDataset(dataset);
        List<Path> files = imageFiles(dir);
        if (files.size() > limit) {
            files = files.subList(0, limit);
        }
        Progress progress = new Progress("loading " + dataset + " from " + dir, files.size(), progressOut);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<String> skipped = new ArrayList<>();
        long sent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawSampleLoader.producerConfig(bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < files.size() && keepGoing.getAsBoolean() && failure.get() == null; i++) {
                Path file = files.get(i);
                String relative = dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                String id = dataset + "/" + relative;
                String why = SampleIds.sampleIdProblem(id).map(p -> "its id would be refused: " + p).orElse(null);
                byte[] bytes = null;
                String type = null;
                if (why == null) {
                    long size = Files.size(file);
                    if (size > maxBytes) {
                        why = size + " bytes, more than the " + maxBytes + " a record may hold (--max-bytes)";
                    } else {
                        bytes = Files.readAllBytes(file);
                        type = contentType(bytes);
                        if (type == null) {
                            why = "not a PNG or JPEG image";
                        }
                    }
                }
                if (why != null) {
                    skipped.add(relative + ": " + why);
                    errors.println("skipped " + file + ": " + why);
                } else {
                    RawSample s = new RawSample(id, dataset, file.toUri().toString(), type, 0, 0, 0, bytes);
                    producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()), (meta, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                    sent++;
                }
                progress.update(acked.get() + skipped.size());
            }
            producer.flush();
        }
        progress.finish(acked.get() + skipped.size());
        if (failure.get() != null) {
            throw new IOException("the broker rejected an image after " + acked.get() + " were stored: " + failure.get(), failure.get());
        }
        if (acked.get() != sent) {
            throw new IOException(sent + " images sent but " + acked.get() + " acknowledged");
        }
        return new Result(sent, List.copyOf(skipped));
    }

    /**
     * {@code image/png} or {@code image/jpeg} as ImageIO recognises the bytes (not as the file is named), or
     * {@code null}.
     */
    static String contentType(byte[] bytes) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            while (readers.hasNext()) {
                ImageReader r = readers.next();
                String format = r.getFormatName().toLowerCase(Locale.ROOT);
                r.dispose();
                if (format.equals("png")) {
                    return "image/png";
                }
                if (format.equals("jpeg") || format.equals("jpg")) {
                    return "image/jpeg";
                }
            }
            return null;
        }
    }
}
