package io.sslstream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One service as a child JVM: its Quarkus runnable jar ({@code target/quarkus-app/quarkus-run.jar}) in a JVM of its
 * own, configured with system properties, its output appended to a log file, ready when {@code /q/health/ready}
 * answers 200. It can be {@link #relaunch() relaunched} with the same command, port and environment after it died, as
 * Kubernetes restarts a pod; the log file is appended to.
 *
 * <p>The local stack ({@code sslctl stack}, the benchmarks) starts its services with {@link #start}; the services'
 * integration tests start theirs with a {@link #builder}, e.g. in this JVM's session and working directory.
 */
public final class ServiceProcess extends ChildJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path log;
    private final ProcessBuilder launch;
    /** Where the current process's output starts in {@link #log}, which earlier processes may have written to. */
    private volatile long logStart;

    private ServiceProcess(String name, int port, Path log, ProcessBuilder launch) throws IOException {
        this.name = name;
        this.port = port;
        this.log = log;
        this.launch = launch;
        this.process = spawn();
    }

    /**
     * Starts {@code <home>/<module>/target/quarkus-app/quarkus-run.jar} for the local stack, in a session of its own
     * ({@link LocalProcesses#detached}).
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
        return builder(name, jar, port, log).workDir(workDir).launcher(launcher).jvmOptions(jvmOptions)
                .properties(properties).env(env).detached().start();
    }

    /**
     * A service to start from {@code jar} on {@code port} ({@code -Dquarkus.http.port}), its output appended to
     * {@code log}; by default in this process's working directory and session, with this process's environment.
     */
    public static Builder builder(String name, Path jar, int port, Path log) {
        return new Builder(name, jar, port, log);
    }

    /** How a {@link ServiceProcess} is started: {@code [launcher] java [jvm options] -Dquarkus.http.port -D... -jar}. */
    public static final class Builder {
        private final String name;
        private final Path jar;
        private final int port;
        private final Path log;
        private Path workDir;
        private final List<String> launcher = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean detached;

        private Builder(String name, Path jar, int port, Path log) {
            this.name = name;
            this.jar = jar;
            this.port = port;
            this.log = log;
        }

        /** Working directory, created if missing (relative paths in the service's config resolve here). */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Words before {@code java}, e.g. {@code taskset -c 1}. */
        public Builder launcher(List<String> words) {
            launcher.addAll(words);
            return this;
        }

        /** Heap and other JVM flags, after those given before. */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        public Builder jvmOptions(String... options) {
            return jvmOptions(List.of(options));
        }

        /** Configuration, passed as {@code -Dkey=value} in the order given. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> all) {
            properties.putAll(all);
            return this;
        }

        /** Extra environment variables (e.g. {@link LocalProcesses#LIBTORCH_ENV}). */
        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        /** In a session of its own ({@link LocalProcesses#detached}): Ctrl-C in a terminal does not reach it. */
        public Builder detached() {
            detached = true;
            return this;
        }

        /** Starts the process; it is not ready yet (see {@link ServiceProcess#awaitReady}). */
        public ServiceProcess start() {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " not found: build the services first with './mvnw -DskipTests package'");
            }
            try {
                List<String> cmd = new ArrayList<>(launcher);
                cmd.add(LocalProcesses.java());
                cmd.addAll(jvmOptions);
                cmd.add("-Dquarkus.http.port=" + port);
                properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-jar");
                cmd.add(jar.toAbsolutePath().toString());
                ProcessBuilder pb = new ProcessBuilder(detached ? LocalProcesses.detached(cmd) : cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                if (workDir != null) {
                    Files.createDirectories(workDir);
                    pb.directory(workDir.toFile());
                }
                Files.createDirectories(log.toAbsolutePath().getParent());
                pb.environment().putAll(env);
                return new ServiceProcess(name, port, log, pb);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }
    }

    private Process spawn() throws IOException {
        logStart = LogTail.size(log);
        return launch.start();
    }

    /** Waits for readiness ({@code /q/health/ready}); fails with the end of the service's log if it dies or takes too long. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        awaitHealth("/q/health/ready", "ready", timeout);
    }

    /** As {@link #awaitReady}, for liveness ({@code /q/health/live}): up, whether or not its dependencies are. */
    public void awaitLive(Duration timeout) throws InterruptedException {
        awaitHealth("/q/health/live", "live", timeout);
    }

    private void awaitHealth(String path, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest check = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            Process process = this.process;
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + " during start-up; end of " + log + ":\n" + tail(30));
            }
            try {
                if (HTTP.send(check, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not " + what + " after " + timeout.toSeconds() + " s; end of " + log + ":\n" + tail(30));
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

    /**
     * {@code GET path}: the body of a 200 answer; empty for any other answer, for none (not listening, or not within
     * {@code timeout}), and when interrupted (the thread's interrupt flag is kept).
     */
    public Optional<String> get(String path, Duration timeout) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url(path)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
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
            process = spawn();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + name, e);
        }
    }

    /**
     * SIGKILL, then waits for the process to be gone.
     *
     * @return false if it is still there after {@code timeout}
     */
    public boolean kill(Duration timeout) throws InterruptedException {
        Process p = process;
        p.destroyForcibly();
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * SIGTERM (Quarkus shuts down gracefully), then SIGKILL after {@code grace}. Not relaunched afterwards.
     *
     * @return true if the process exited by itself within {@code grace} (or was not running)
     */
    public synchronized boolean stop(Duration grace) {
        return terminate(grace);
    }

    /** {@link #stop(Duration) stop} with 30 s for the graceful shutdown. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /**
     * Waits until the current process has logged a line containing {@code text} (e.g. that a failpoint was reached).
     *
     * @throws IllegalStateException if it exits first, or does not log it within {@code timeout}
     */
    public void awaitLog(String text, Duration timeout) throws InterruptedException {
        Process p = process;
        LogTail since = LogTail.from(log, logStart);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!since.poll(text)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + p.exitValue() + " before logging '" + text
                            + "'; end of " + log + ":\n" + tail(30));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout + "; end of " + log
                            + ":\n" + tail(30));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** What the current process has logged so far (not what earlier processes appended to the same file). */
    public String logText() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
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
            return freePort();
        }
    }

    /** A port that is free now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
