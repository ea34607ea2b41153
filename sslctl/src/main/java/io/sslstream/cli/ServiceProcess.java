package io.sslstream.cli;

import io.sslstream.kafka.LocalProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service of the local stack: its Quarkus runnable jar in a JVM of its own, configured with system
 * properties, output to a log file, ready when {@code /q/health/ready} answers 200. It can be
 * {@link #relaunch() relaunched} with the same command, port and environment after it died, as Kubernetes restarts
 * a pod; the log file is appended to.
 */
public final class ServiceProcess implements Supervisor.Child {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final ProcessBuilder launch;
    private volatile Process process;
    private volatile boolean stopped;

    private ServiceProcess(String name, int port, Path log, ProcessBuilder launch) throws IOException {
        this.name = name;
        this.port = port;
        this.log = log;
        this.launch = launch;
        this.process = launch.start();
    }

    /**
     * Starts {@code <home>/<module>/target/quarkus-app/quarkus-run.jar}.
     *
     * @param workDir    working directory (relative paths in the service's config resolve here)
     * @param jvmOptions heap and other JVM flags
     * @param properties configuration, passed as {@code -Dkey=value}
     * @param env        extra environment variables (e.g. glibc malloc tunables for libtorch)
     */
    public static ServiceProcess start(String name, Path jar, int port, Path workDir, Path log, List<String> jvmOptions,
                                       Map<String, String> properties, Map<String, String> env) {
        return start(name, jar, port, workDir, log, List.of(), jvmOptions, properties, env);
    }

    /**
     * As {@link #start(String, Path, int, Path, Path, List, Map, Map)}, with a launcher before {@code java}, e.g.
     * {@code taskset -c 1} to give the service one core (the JVM then sizes its thread pools for that core).
     */
    public static ServiceProcess start(String name, Path jar, int port, Path workDir, Path log, List<String> launcher,
                                       List<String> jvmOptions, Map<String, String> properties, Map<String, String> env) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build the services first with './mvnw -DskipTests package'");
        }
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(log.getParent());
            List<String> cmd = new ArrayList<>(launcher);
            cmd.add(LocalProcesses.java());
            cmd.addAll(jvmOptions);
            cmd.add("-Dquarkus.http.port=" + port);
            properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-jar");
            cmd.add(jar.toAbsolutePath().toString());
            ProcessBuilder pb = new ProcessBuilder(LocalProcesses.detached(cmd))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            return new ServiceProcess(name, port, log, pb);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits for readiness; fails with the end of the service's log if it dies or takes too long. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(url("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            Process process = this.process;
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during start-up; end of " + log + ":\n" + tail(30));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s; end of " + log + ":\n" + tail(30));
    }

    /** {@code /q/health/live}: true on 200, false on any other answer or none (a hung process fails it too). */
    @Override
    public Boolean live() {
        if (!process.isAlive()) {
            return false;
        }
        try {
            HttpRequest live = HttpRequest.newBuilder(url("/q/health/live")).timeout(Duration.ofSeconds(2)).build();
            return HTTP.send(live, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Override
    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** The service's process id (the JVM's: {@code setsid} and {@code taskset} exec it in place). */
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code of a process that has exited (128 + signal when a signal ended it), else null. */
    @Override
    public Integer exitCode() {
        Process p = process;
        return p.isAlive() ? null : p.exitValue();
    }

    /** True once {@link #stop} was called: the process is meant to be down, a supervisor leaves it so. */
    @Override
    public boolean isStopped() {
        return stopped;
    }

    /**
     * Starts the service again with the same command, port and environment, appending to the same log.
     *
     * @throws IllegalStateException if it is still running or was stopped on purpose
     */
    @Override
    public synchronized void relaunch() {
        if (stopped) {
            throw new IllegalStateException(name + " was stopped; it is not relaunched");
        }
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        try {
            process = launch.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + name, e);
        }
    }

    /** SIGKILL, no shutdown hooks: a crash as a fault test wants it (a supervisor then restarts the service). */
    @Override
    public void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM (Quarkus shuts down gracefully), then SIGKILL after {@code grace}. Not relaunched afterwards. */
    public synchronized void stop(Duration grace) {
        stopped = true;
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the service's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** {@code preferred} if it is free now, else any free port. */
    public static int port(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred)) {
            return s.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
    }
}
