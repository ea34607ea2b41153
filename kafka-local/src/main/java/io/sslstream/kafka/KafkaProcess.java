package io.sslstream.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Apache Kafka's own broker ({@code kafka.Kafka}, KRaft, combined broker and controller) in a JVM of its own,
 * for the local stack: storage is formatted with {@code kafka.tools.StorageTool}, output goes to a log file,
 * and {@link #stop()} sends SIGTERM (a clean shutdown) before anything harsher.
 *
 * <p>Ports are chosen free, but another process can take one between the check and the broker's bind: the
 * start is retried on fresh ports when the broker dies before it listens. Once it listened, the broker keeps its
 * ports and its data: {@link #relaunch()} after a crash, {@link #restart()} after a clean {@link #stop()}.
 */
public final class KafkaProcess extends ChildJvm implements AutoCloseable {

    private static final int ATTEMPTS = 3;

    private final int port;
    private final Path properties;
    private final Path logFile;
    private final int heapMb;

    private KafkaProcess(Process process, int port, Path properties, Path logFile, int heapMb) {
        this.process = process;
        this.port = port;
        this.properties = properties;
        this.logFile = logFile;
        this.heapMb = heapMb;
    }

    /**
     * Starts a broker whose data lives in {@code dataDir} (formatted on first use, reused afterwards).
     *
     * @param dataDir    broker storage and its properties file
     * @param logFile    broker stdout and stderr
     * @param partitions default partition count of auto-created topics
     * @param heapMb     broker heap
     */
    public static KafkaProcess start(Path dataDir, Path logFile, int partitions, int heapMb) {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int port = freePort();
            int controllerPort = freePort();
            try {
                Path props = writeProperties(dataDir, port, controllerPort, partitions);
                formatIfNeeded(dataDir, props, logFile);
                Process p = java(List.of("-Xmx" + heapMb + "m", "kafka.Kafka", props.toString()), logFile);
                if (waitForPort(p, port, Duration.ofSeconds(60))) {
                    return new KafkaProcess(p, port, props, logFile, heapMb);
                }
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                last = new IOException("broker exited with code " + p.exitValue() + " before listening on " + port + "; see " + logFile);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kafka", e);
            }
        }
        throw new UncheckedIOException("cannot start the Kafka broker after " + ATTEMPTS + " attempts", last);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** {@code kafka}, as a supervisor names it. */
    @Override
    public String name() {
        return "kafka";
    }

    /**
     * Starts the broker again after it exited, on the same data and the same ports (clients keep their bootstrap
     * address), as a supervisor restarts a crashed pod. Returns once it listens.
     *
     * @throws IllegalStateException if it was stopped on purpose, is still running, or does not listen within 60 s
     */
    @Override
    public void relaunch() {
        if (stopped) {
            throw new IllegalStateException("the broker was stopped; it is not relaunched");
        }
        launchAgain();
    }

    /**
     * Starts the broker again after a clean {@link #stop()}, on the same data and the same ports, as an operator brings
     * a broker back after maintenance: clients configured with {@link #bootstrapServers()} see the same broker go away
     * and come back. It is running again, no longer {@linkplain #isStopped() stopped}. Returns once it listens.
     *
     * @throws IllegalStateException if it is still running, or does not listen within 60 s
     */
    public synchronized void restart() {
        launchAgain();
        stopped = false;
    }

    private void launchAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker is still running (pid " + process.pid() + ")");
        }
        try {
            Process p = java(List.of("-Xmx" + heapMb + "m", "kafka.Kafka", properties.toString()), logFile);
            process = p;
            if (!waitForPort(p, port, Duration.ofSeconds(60))) {
                throw new IllegalStateException("restarted broker does not listen on " + port + "; see " + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the Kafka broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting Kafka", e);
        }
    }

    /**
     * SIGTERM, wait up to 30 s for the clean shutdown, then kill.
     *
     * @return true if the broker exited by itself after SIGTERM (a clean shutdown)
     */
    public boolean stop() {
        return terminate(Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        stop();
    }

    private static Path writeProperties(Path dataDir, int port, int controllerPort, int partitions) throws IOException {
        Files.createDirectories(dataDir);
        Path logs = dataDir.resolve("log");
        Path props = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(props)) {
            w.write("# written by io.sslstream.kafka.KafkaProcess; ports change at every start\n");
            w.write("process.roles=broker,controller\n");
            w.write("node.id=1\n");
            w.write("controller.quorum.voters=1@localhost:" + controllerPort + "\n");
            w.write("listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort + "\n");
            w.write("advertised.listeners=PLAINTEXT://localhost:" + port + "\n");
            w.write("controller.listener.names=CONTROLLER\n");
            w.write("inter.broker.listener.name=PLAINTEXT\n");
            w.write("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n");
            w.write("log.dirs=" + logs.toAbsolutePath() + "\n");
            for (Map.Entry<String, String> e : BrokerSettings.singleNode(partitions).entrySet()) {
                w.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        return props;
    }

    private static void formatIfNeeded(Path dataDir, Path props, Path logFile) throws IOException, InterruptedException {
        if (Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
            return;
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Process f = java(List.of("-Xmx256m", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props.toString()), logFile);
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            f.destroyForcibly();
            throw new IOException("kafka-storage format failed; see " + logFile);
        }
    }

    private static Process java(List<String> args, Path logFile) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(LocalProcesses.java());
        cmd.add("-cp");
        cmd.add(brokerClasspath());
        cmd.add("-Dlog4j2.configurationFile=" + log4jConfig(logFile.toAbsolutePath().getParent()));
        cmd.addAll(args);
        return new ProcessBuilder(LocalProcesses.detached(cmd))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * This JVM's classpath without other SLF4J providers (JBoss, simple), so that the broker logs through
     * log4j2 whatever launched it (a test classpath carries Quarkus' logging too).
     */
    static String brokerClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !OTHER_SLF4J_PROVIDERS.matcher(Path.of(e).getFileName().toString()).find())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static final Pattern OTHER_SLF4J_PROVIDERS = Pattern.compile("^(slf4j-jboss-logmanager|jboss-logmanager|slf4j-simple|slf4j-jdk14)");

    /** INFO to the console (the broker's log file), quiet for the chatty request logger. */
    private static Path log4jConfig(Path dir) throws IOException {
        Path f = dir.resolve("kafka-log4j2.properties");
        Files.writeString(f, String.join("\n",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.out.ref=OUT",
                "appender.out.type=Console",
                "appender.out.name=OUT",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=[%d] %p %m (%c)%n",
                "logger.request.name=kafka.request.logger",
                "logger.request.level=WARN",
                "logger.state.name=state.change.logger",
                "logger.state.level=WARN",
                ""));
        return f;
    }

    private static boolean waitForPort(Process p, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 500);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        return false;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
