package io.sslstream.cli;

import io.sslstream.cli.dicom.DicomFolderLoader;
import io.sslstream.cli.dicom.DicomIds;
import io.sslstream.contracts.SampleIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sslctl load-dicom}: streams a folder of DICOM files into {@code ssl.samples.raw}, pseudonymised. */
@Command(name = "load-dicom", mixinStandardHelpOptions = true,
        description = {"Stream the DICOM files of a folder (recursively, any file name) into ssl.samples.raw, one sample per"
                + " frame, keyed <dataset>/<HMAC of the SOP Instance UID>/<frame>. No patient data is sent.",
                "Reads uncompressed little-endian files (implicit or explicit VR); send compressed ones through Orthanc"
                        + " (sslctl follow-orthanc, ./stack --source orthanc)."})
final class LoadDicomCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "folder of DICOM files; sub-folders are read too")
    Path dir;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--dataset", defaultValue = "dicom", description = "dataset name in each sample and key (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--key-file", description = "the pseudonymisation key (at least 16 bytes; e.g. a mounted Secret); default: env "
            + DicomIds.KEY_ENV)
    Path keyFile;

    @Option(names = "--limit", defaultValue = "2147483647", description = "read at most this many files (in path order)")
    int limit;

    @Option(names = "--max-bytes", defaultValue = "1000000",
            description = "largest record; a frame that needs more is skipped (default: ${DEFAULT-VALUE})")
    int maxBytes;

    @Override
    public Integer call() throws Exception {
        if (!SampleIds.isDataset(dataset)) {
            System.err.println(SampleIds.datasetProblem(dataset).orElseThrow());
            return 2;
        }
        DicomIds ids;
        try {
            ids = new DicomIds(DicomIds.loadKey(keyFile), dataset);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        DicomFolderLoader.Result r = DicomFolderLoader.load(bootstrap, dir.toAbsolutePath().normalize(), ids, limit, maxBytes,
                System.out, System.err, () -> true);
        System.out.printf("%,d frames of %,d files stored in ssl.samples.raw%s%n", r.frames(), r.files(),
                r.skipped().isEmpty() ? "" : String.format(", %,d files skipped (listed above)", r.skipped().size()));
        return 0;
    }
}
