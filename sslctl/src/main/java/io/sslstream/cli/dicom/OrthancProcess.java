package io.sslstream.cli.dicom;

import io.sslstream.kafka.ServiceProcess;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An Orthanc server of our own (Debian's {@code orthanc} package) as a plain process: a configuration file, storage
 * and index in a folder, HTTP on a free port of the loopback interface, no DICOM port, no plugins, no authentication
 * (it accepts local connections only). Used by the local stack ({@code ./stack --source orthanc}) and the tests. Restarts
 * on the same port and storage, so a test can take it down and bring it back.
 */
public final class OrthancProcess implements AutoCloseable {

    private final Path dir;
    private final Path log;
    private final int port;
    private final String binary;
    private Process process;

    private OrthancProcess(Path dir, Path log, int port, String binary) {
        this.dir = dir;
        this.log = log;
        this.port = port;
        this.binary = binary;
    }

    /** The Orthanc executable: {@code $ORTHANC}, else Debian's {@code /usr/sbin/Orthanc}, else {@code Orthanc} on the PATH. */
    public static String binary() {
        String env = System.getenv("ORTHANC");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return Files.isExecutable(Path.of("/usr/sbin/Orthanc")) ? "/usr/sbin/Orthanc" : "Orthanc";
    }

    /** Whether an Orthanc executable is installed. */
    public static boolean installed() {
        String b = binary();
        return b.contains("/") ? Files.isExecutable(Path.of(b)) : System.getenv("PATH") != null
                && java.util.Arrays.stream(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, b)));
    }

    /** Starts Orthanc with its data in {@code dir} and its output in {@code log}, and waits until it answers. */
    public static OrthancProcess start(Path dir, Path log) throws IOException, InterruptedException {
        if (!installed()) {
            throw new IOException("Orthanc is not installed: apt-get install -y orthanc (Debian), or set ORTHANC to its executable");
        }
        Files.createDirectories(dir.resolve("storage"));
        Files.createDirectories(log.toAbsolutePath().getParent());
        OrthancProcess p = new OrthancProcess(dir, log, ServiceProcess.port(8042), binary());
        p.launch();
        return p;
    }

    private void launch() throws IOException, InterruptedException {
        Path config = dir.resolve("orthanc.json");
        String storage = dir.resolve("storage").toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(config, """
                {
                  "Name": "sslstream",
                  "HttpPort": %d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomServerEnabled": false,
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "Plugins": [],
                  "SaveJobs": false,
                  "HttpThreadsCount": 8
                }
                """.formatted(port, storage, storage));
        process = new ProcessBuilder(binary, config.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        OrthancClient client = client();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                client.system();
                return;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("Orthanc exited with status " + process.exitValue() + " at start; see " + log);
                }
                if (System.nanoTime() > deadline) {
                    stop();
                    throw new IOException("Orthanc did not answer on port " + port + " within 60 s; see " + log);
                }
                Thread.sleep(100);
            }
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public OrthancClient client() {
        return new OrthancClient(url(), null, null);
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops it (SIGTERM, then SIGKILL after 20 s). */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port and storage. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }
}
