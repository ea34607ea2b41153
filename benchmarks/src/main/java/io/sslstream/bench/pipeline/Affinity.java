package io.sslstream.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which cores processes and single threads may run on, set with util-linux's {@code taskset} (the JVM has no API for
 * it). Threads are found by their kernel name ({@code /proc/<pid>/task/<tid>/comm}), which the JVM sets from the Java
 * thread's name, cut to 15 characters.
 */
final class Affinity {

    private Affinity() {
    }

    /** The command prefix that starts a process on {@code cpus} ({@code taskset -c}), or nothing when null. */
    static List<String> launcher(String cpus) {
        return cpus == null ? List.of() : List.of("taskset", "-c", cpus);
    }

    /** Every online core, e.g. {@code 0-1} (not this JVM's affinity, which an earlier configuration may have narrowed). */
    static String onlineCpus() throws IOException {
        return Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
    }

    /** Pins a running process and all its threads. */
    static void pinProcess(long pid, String cpus) throws IOException, InterruptedException {
        taskset("-a", "-p", "-c", cpus, Long.toString(pid));
    }

    /** Pins one thread (a task id) only; threads it starts later inherit its cores. */
    static void pinThread(long tid, String cpus) throws IOException, InterruptedException {
        taskset("-p", "-c", cpus, Long.toString(tid));
    }

    /** Pins the calling thread. */
    static void pinCurrentThread(String cpus) throws IOException, InterruptedException {
        // /proc/thread-self links to /proc/<pid>/task/<tid> of the thread that reads it
        pinThread(Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()), cpus);
    }

    /** Task ids of the process's threads named {@code name}. */
    static List<Long> threads(long pid, String name) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).strip().equals(name)) {
                        ids.add(Long.parseLong(t.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        }
        return ids;
    }

    private static void taskset(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("taskset"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + output);
        }
    }
}
