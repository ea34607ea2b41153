package io.sslstream.bench.augmenter;

import io.sslstream.bench.pipeline.CpuTime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a JVM's threads grouped by what they do, from {@code /proc/<pid>/task/<tid>/{comm,stat}}: the kernel's
 * thread name is the Java thread's, cut to 15 characters. Unlike a profiler this sees every thread, the garbage
 * collector's and the JIT compilers' included, at no cost to the process.
 */
public final class ThreadCpu {

    /** Name prefix (of the 15-character kernel name) to group, first match wins. */
    static final List<Map.Entry<String, String>> GROUPS = List.of(
            Map.entry("augmenter-worke", "augmenter workers (decode, recipes, encode)"),
            Map.entry("augmenter-strea", "augmenter stream loop (poll, send, commit)"),
            Map.entry("vert.x-eventloo", "Vert.x event loops (reactive messaging)"),
            Map.entry("smallrye-kafka-", "SmallRye Kafka consumer thread (poll)"),
            Map.entry("kafka-producer-", "Kafka producer I/O threads"),
            Map.entry("executor-thread", "Quarkus worker pool"),
            Map.entry("GC Thread", "garbage collector"),
            Map.entry("G1 ", "garbage collector"),
            Map.entry("C1 CompilerThre", ThreadCpu.JIT),
            Map.entry("C2 CompilerThre", ThreadCpu.JIT));
    /** The group of the JIT compiler threads. */
    public static final String JIT = "JIT compilers";
    static final String OTHER = "other (VM, timers, metrics, HTTP)";

    private ThreadCpu() {
    }

    /** Seconds of CPU per group, for the threads alive now (a thread that ended took its time with it). */
    public static Map<String, Double> read(long pid) {
        Map<String, Double> out = new LinkedHashMap<>();
        GROUPS.forEach(g -> out.putIfAbsent(g.getValue(), 0.0));
        out.put(OTHER, 0.0);
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    double s = CpuTime.threadSeconds(pid, Long.parseLong(t.getFileName().toString()));
                    if (!Double.isNaN(s)) {
                        out.merge(group(comm), s, Double::sum);
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        return out;
    }

    static String group(String comm) {
        for (Map.Entry<String, String> g : GROUPS) {
            if (comm.startsWith(g.getKey())) {
                return g.getValue();
            }
        }
        return OTHER;
    }

    /** {@code after - before}, per group. */
    public static Map<String, Double> minus(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0.0)));
        return out;
    }
}
