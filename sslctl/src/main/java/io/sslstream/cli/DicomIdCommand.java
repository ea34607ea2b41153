package io.sslstream.cli;

import io.sslstream.cli.dicom.DicomIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sslctl dicom-id}: the pseudonymous id of SOP Instance UIDs, for whoever holds the key. */
@Command(name = "dicom-id", mixinStandardHelpOptions = true,
        description = {"Print the pseudonymous sample id prefix (<dataset>/<hmac>) of each SOP Instance UID under the key:"
                + " how the key holder finds which instance a sample, view or dead letter came from (hash the archive's"
                + " UIDs, match the id)."})
final class DicomIdCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "SOP Instance UIDs")
    List<String> uids;

    @Option(names = "--dataset", defaultValue = "dicom", description = "dataset name (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--key-file", description = "the pseudonymisation key; default: env " + DicomIds.KEY_ENV)
    Path keyFile;

    @Override
    public Integer call() {
        DicomIds ids;
        try {
            ids = new DicomIds(DicomIds.loadKey(keyFile), dataset);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (String uid : uids) {
            System.out.println(dataset + "/" + ids.pseudonym(uid) + "\t" + uid);
        }
        return 0;
    }
}
