package io.sslstream.registry.it;

import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Kafka broker (KRaft, {@code kafka.Kafka} in a JVM of its own) that keeps its ports and its data across a
 * stop and a start, so that a client configured once sees the same broker go away and come back. (kafka-local's
 * {@code KafkaProcess} picks fresh ports at every start, which suits the local stack but not this.)
 */
final class FixedPortKafka implements AutoCloseable {

    /** Other SLF4J providers on the test classpath would capture the broker's logging; it runs without them. */
    private static final Pattern OTHER_SLF4J = Pattern.compile("^(slf4j-jboss-logmanager|jboss-logmanager|slf4j-simple|slf4j-jdk14)");

    private final Path dataDir;
    private final Path log;
    private final int port = RegistryProcess.freePort();
    private final int controllerPort = RegistryProcess.freePort();
    private Process process;

    FixedPortKafka(Path dataDir, Path log) throws IOException, InterruptedException {
        this.dataDir = dataDir;
        this.log = log;
        Files.createDirectories(dataDir);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(properties(), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("log").toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", properties().toString());
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed; see " + log);
        }
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Starts the broker (again) and waits until it listens. */
    void start() throws IOException, InterruptedException {
        process = java("kafka.Kafka", properties().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("broker not listening on " + port + " after 120 s; see " + log);
    }

    /** SIGTERM and wait for the clean shutdown; the data stays. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private Path properties() {
        return dataDir.resolve("server.properties");
    }

    private Process java(String... args) throws IOException {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !OTHER_SLF4J.matcher(Path.of(e).getFileName().toString()).find())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static {
        try {
            Class.forName("kafka.Kafka", false, FixedPortKafka.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("kafka_2.13 (the broker) is not on the test classpath", e));
        }
    }
}
