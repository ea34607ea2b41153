package io.sslstream.cli;

import io.sslstream.cli.dicom.DicomIds;
import io.sslstream.cli.dicom.OrthancClient;
import io.sslstream.cli.dicom.OrthancFollower;
import io.sslstream.contracts.SampleIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code sslctl follow-orthanc}: the Orthanc connector, until stopped. */
@Command(name = "follow-orthanc", mixinStandardHelpOptions = true,
        description = {"Follow an Orthanc server's change feed and stream every new instance into ssl.samples.raw, one"
                + " pseudonymised sample per frame (Orthanc decodes the pixels), exactly once: each instance and the"
                + " cursor are one Kafka transaction (cursor in " + OrthancFollower.CURSOR_TOPIC + ").",
                "Runs until stopped (Ctrl-C, SIGTERM); one process per --name."})
final class FollowOrthancCommand implements Callable<Integer> {

    @Option(names = "--orthanc", defaultValue = "http://localhost:8042", description = "Orthanc's REST API (default: ${DEFAULT-VALUE})")
    URI orthanc;

    @Option(names = "--user", description = "HTTP basic user of Orthanc, if it has authentication on")
    String user;

    @Option(names = "--password-env", defaultValue = "ORTHANC_PASSWORD",
            description = "environment variable holding that user's password (default: ${DEFAULT-VALUE})")
    String passwordEnv;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--dataset", defaultValue = "dicom", description = "dataset name in each sample and key (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--name", defaultValue = "default", description = "connector name: its cursor and transactional id (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--key-file", description = "the pseudonymisation key (at least 16 bytes; e.g. a mounted Secret); default: env "
            + DicomIds.KEY_ENV)
    Path keyFile;

    @Option(names = "--max-backoff", defaultValue = "30s", description = "longest wait between retries while Orthanc or Kafka fails (default: ${DEFAULT-VALUE})")
    Duration maxBackoff;

    @Option(names = "--max-bytes", defaultValue = "1000000", description = "largest record; a larger frame is dead-lettered (default: ${DEFAULT-VALUE})")
    int maxBytes;

    @Override
    public Integer call() throws Exception {
        if (!SampleIds.isDataset(dataset) || !SampleIds.isDataset(name)) {
            System.err.println("--dataset and --name must be dataset-like names: " + SampleIds.datasetProblem(dataset)
                    .or(() -> SampleIds.datasetProblem(name)).orElseThrow());
            return 2;
        }
        DicomIds ids;
        try {
            ids = new DicomIds(DicomIds.loadKey(keyFile), dataset);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                main.join(30_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }));
        OrthancClient client = new OrthancClient(orthanc, user, user == null ? null : System.getenv(passwordEnv));
        OrthancFollower.Settings s = new OrthancFollower.Settings(name, 100, Duration.ofSeconds(1), maxBackoff, maxBytes);
        try (OrthancFollower follower = new OrthancFollower(client, bootstrap, ids, s, System.out)) {
            follower.start();
            follower.run(running::get);
        }
        return 0;
    }
}
