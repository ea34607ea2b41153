package io.sslstream.cli.dicom;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.kafka.InProcessKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sslctl load-dicom} on a folder of real and broken files, into a real broker. */
class DicomFolderLoaderTest {

    static InProcessKafka kafka;

    @BeforeAll
    static void start() {
        kafka = InProcessKafka.start();
        OrthancFollowerTest.kafka = kafka; // its readAll reads this broker
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void loadsEveryFrameOfTheFilesItReadsAndListsTheOthersWithTheirReasons(@TempDir Path dir) throws Exception {
        Path patient = dir.resolve("Quixotefrost^Zebulon"); // folders are often named after patients
        Files.createDirectories(patient);
        Files.copy(DicomFileTest.PYDICOM.resolve("CT_small.dcm"), patient.resolve("IM0001"));
        Files.copy(DicomFileTest.PYDICOM.resolve("MR_small_implicit.dcm"), dir.resolve("mr.dcm"));
        Files.copy(DicomFileTest.PYDICOM.resolve("JPEG2000.dcm"), dir.resolve("j2k.dcm"));
        Files.writeString(dir.resolve("notes.txt"), "not DICOM");
        short[] two = new short[2 * 4 * 4];
        Files.write(dir.resolve("multi.dcm"), DicomWriter.image16("1.2.826.0.1.3680043.2.1125.80.1", "Doe^John", 4, 4, 2, false, two).bytes());
        DicomIds ids = new DicomIds("test-key-0123456789abcdef-000000".getBytes(StandardCharsets.US_ASCII), "ct-folder");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        DicomFolderLoader.Result r = DicomFolderLoader.load(kafka.bootstrapServers(), dir, ids, Integer.MAX_VALUE, 1_000_000,
                new PrintStream(progress, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8), () -> true);

        assertThat(r.files()).isEqualTo(3);
        assertThat(r.frames()).isEqualTo(4);
        assertThat(r.skipped()).hasSize(2).anySatisfy(s -> assertThat(s).startsWith("j2k.dcm: dicom.unsupported-transfer-syntax"))
                .anySatisfy(s -> assertThat(s).startsWith("notes.txt: dicom.not-dicom"));
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("5/5");
        Map<String, RawSample> sent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : OrthancFollowerTest.readAll(Topics.SAMPLES_RAW, true)) {
            RawSample s = RawSample.decode(rec.value());
            sent.put(s.sampleId(), s);
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(s.sampleId());
            assertThat(s.sourceUri()).isEmpty();
            assertThat(new String(rec.value(), StandardCharsets.ISO_8859_1)).doesNotContain("Quixotefrost").doesNotContain("Doe^John");
        }
        assertThat(sent).containsOnlyKeys(ids.sampleId("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322", 0),
                ids.sampleId("1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457", 0),
                ids.sampleId("1.2.826.0.1.3680043.2.1125.80.1", 0), ids.sampleId("1.2.826.0.1.3680043.2.1125.80.1", 1));
        assertThat(sent.values()).allSatisfy(s -> assertThat(s.contentType()).isEqualTo(RawSample.PIXELS_16));
        assertThat(List.copyOf(sent.keySet())).allSatisfy(k -> assertThat(k).matches("ct-folder/[0-9a-f]{32}/\\d"));
    }
}
