package io.sslstream.cli;

import io.sslstream.cli.dicom.DicomIds;
import io.sslstream.cli.dicom.OrthancClient;
import io.sslstream.cli.dicom.OrthancFollower;
import io.sslstream.cli.dicom.OrthancProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code ./stack --source orthanc}: a local Orthanc (its data in the run folder), the folder's DICOM files uploaded to
 * it as a modality would send them, and the connector following its change feed into the stack's broker, with a
 * pseudonymisation key made for the run ({@code dicom-id.key} in the run folder). The augmenter runs the
 * {@code windowing} recipe at 28x28 (the trainer's input) and the trainer reads it.
 */
final class DicomSource {

    private DicomSource() {
    }

    static void configure(LocalStack stack) {
        stack.withProperties("augmenter", Map.of("ssl.augmenter.active", "windowing",
                "ssl.augmenter.recipes.windowing.output-size", "28"));
        stack.withProperties("trainer", Map.of("ssl.trainer.recipe", "windowing"));
    }

    static Thread feeder(LocalStack stack, Path dicomDir, Path runDir, AtomicBoolean feeding, PrintStream out) {
        Thread t = new Thread(() -> {
            try (OrthancProcess orthanc = OrthancProcess.start(runDir.resolve("orthanc"), stack.logs().resolve("orthanc.log"))) {
                out.printf("%-10s ready on %s  log %s%n", "orthanc", orthanc.url(), stack.logs().resolve("orthanc.log"));
                upload(orthanc.client(), dicomDir, out);
                DicomIds ids = new DicomIds(DicomIds.createKey(runDir.resolve("dicom-id.key")), "dicom");
                try (OrthancFollower follower = new OrthancFollower(orthanc.client(), stack.bootstrapServers(), ids,
                        OrthancFollower.Settings.defaults("stack"), out)) {
                    follower.start();
                    follower.run(feeding::get);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                out.println("orthanc source stopped: " + e.getMessage());
            }
        }, "orthanc-source");
        t.setDaemon(true);
        return t;
    }

    /** Uploads every file of the folder (recursively); Orthanc refuses what is not DICOM, and that is counted. */
    private static void upload(OrthancClient orthanc, Path dir, PrintStream out) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        int stored = 0;
        int refused = 0;
        for (Path f : files) {
            try {
                orthanc.upload(f);
                stored++;
            } catch (OrthancClient.OrthancError e) {
                refused++;
            } catch (IOException e) {
                refused++;
                out.printf("orthanc: upload of %s failed: %s%n", f, e.getMessage());
            }
        }
        out.printf("orthanc: %d of %d files of %s stored (%d refused by Orthanc: not DICOM or unreadable)%n", stored,
                files.size(), dir, refused);
    }
}
