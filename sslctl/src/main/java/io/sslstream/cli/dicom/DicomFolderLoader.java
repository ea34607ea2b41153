package io.sslstream.cli.dicom;

import io.sslstream.cli.Progress;
import io.sslstream.cli.RawSampleLoader;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Streams the DICOM files of a folder, recursively and in path order, into {@code ssl.samples.raw}: one
 * {@link RawSample} per frame, keyed by its pseudonymous id ({@link DicomIds}), read by {@link DicomFile}. Every file is
 * tried, whatever its name (DICOM files often have none); one that is not a DICOM file the reader takes is listed on
 * the error stream with its reason and counted, never dropped silently. Nothing of a file but its pixels and image
 * attributes is sent: the source URI is left empty, since folder names often carry patient names.
 */
public final class DicomFolderLoader {

    /**
     * What a load did.
     *
     * @param files   files whose frames were all stored
     * @param frames  frames stored (every one acknowledged by the broker)
     * @param skipped files not sent, each with its reason
     */
    public record Result(long files, long frames, List<String> skipped) {
    }

    private DicomFolderLoader() {
    }

    public static Result load(String bootstrap, Path dir, DicomIds ids, int limit, int maxRecordBytes, PrintStream progressOut,
                              PrintStream errors, BooleanSupplier keepGoing) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().limit(limit).toList();
        }
        Progress progress = new Progress("loading DICOM into " + ids.dataset() + " from " + dir, files.size(), progressOut);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<String> skipped = new ArrayList<>();
        long sent = 0;
        long done = 0;
        long loaded = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawSampleLoader.producerConfig(bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < files.size() && keepGoing.getAsBoolean() && failure.get() == null; i++) {
                Path file = files.get(i);
                String relative = dir.relativize(file).toString();
                try {
                    if (Files.size(file) > Integer.MAX_VALUE - 16) {
                        throw new DicomException(DicomException.TOO_LARGE, Files.size(file) + " bytes: larger than this loader reads");
                    }
                    DicomFile.Read read = DicomFile.read(Files.readAllBytes(file), maxRecordBytes);
                    DicomImage img = read.image();
                    for (int f = 0; f < img.frames(); f++) {
                        String id = ids.sampleId(img.sopInstanceUid(), f);
                        RawSample s = img.bitsAllocated() == 16 ? img.sample(id, ids.dataset(), null, read.frame16(f))
                                : img.sample(id, ids.dataset(), read.frame8(f), null);
                        producer.send(new ProducerRecord<>(Topics.SAMPLES_RAW, id, s.encode()), (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
                        sent++;
                    }
                    loaded++;
                } catch (DicomException e) {
                    skipped.add(relative + ": " + e.reason() + ": " + e.getMessage());
                    errors.println("skipped " + file + ": " + e.reason() + ": " + e.getMessage());
                }
                progress.update(++done);
            }
            producer.flush();
        }
        progress.finish(done);
        if (failure.get() != null) {
            throw new IOException("the broker rejected a frame after " + acked.get() + " were stored: " + failure.get(), failure.get());
        }
        if (acked.get() != sent) {
            throw new IOException(sent + " frames sent but " + acked.get() + " acknowledged");
        }
        return new Result(loaded, sent, List.copyOf(skipped));
    }
}
