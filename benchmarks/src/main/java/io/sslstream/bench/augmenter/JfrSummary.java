package io.sslstream.bench.augmenter;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the Java threads' CPU goes, from a Flight Recorder file: every {@code jdk.ExecutionSample} (a thread caught
 * running Java code) inside the measured window is given to the component of its innermost frame that is not the JDK's
 * own (so a {@code HashMap.get} called by the Kafka client counts as Kafka). JFR samples only threads in Java code: the
 * garbage collector, the JIT compilers and time in native code are in {@link ThreadCpu}'s per-thread split instead.
 */
public final class JfrSummary {

    /** Package (or class) prefix to component, first match wins. */
    static final List<Map.Entry<String, String>> COMPONENTS = List.of(
            Map.entry("io.sslstream.augmenter.augment.", "augmentation ops and recipes"),
            Map.entry("io.sslstream.augmenter.SampleDecoder", "image decoding (ImageIO)"),
            Map.entry("javax.imageio.", "image decoding (ImageIO)"),
            Map.entry("com.sun.imageio.", "image decoding (ImageIO)"),
            Map.entry("sun.awt.image.", "image decoding (ImageIO)"),
            Map.entry("java.util.zip.", "image decoding (ImageIO)"),
            Map.entry("io.sslstream.contracts.codec.", "RawSample / ViewSet codecs"),
            Map.entry("io.sslstream.", "augmenter: the rest (checks, stream handling)"),
            Map.entry("net.jpountz.", "lz4 (producer compression, consumer decompression)"),
            Map.entry("com.github.luben.zstd.", "zstd"),
            Map.entry("org.apache.kafka.clients.producer.", "Kafka producer"),
            Map.entry("org.apache.kafka.clients.consumer.", "Kafka consumer"),
            Map.entry("org.apache.kafka.", "Kafka client: records, network, metrics"),
            Map.entry("io.smallrye.reactive.messaging.", "reactive messaging (SmallRye, Mutiny, Vert.x, Netty)"),
            Map.entry("io.smallrye.mutiny.", "reactive messaging (SmallRye, Mutiny, Vert.x, Netty)"),
            Map.entry("io.vertx.", "reactive messaging (SmallRye, Mutiny, Vert.x, Netty)"),
            Map.entry("io.netty.", "reactive messaging (SmallRye, Mutiny, Vert.x, Netty)"),
            Map.entry("io.smallrye.context.", "reactive messaging (SmallRye, Mutiny, Vert.x, Netty)"),
            Map.entry("io.micrometer.", "metrics (Micrometer)"),
            Map.entry("io.quarkus.", "Quarkus (HTTP, health, scheduler)"),
            Map.entry("io.smallrye.", "Quarkus (HTTP, health, scheduler)"));
    static final String JDK = "JDK only (thread pools, queues, locks)";
    static final String OTHER = "other libraries";

    /**
     * @param samples    execution samples inside the window
     * @param components share of those samples per component, largest first
     */
    public record Summary(long samples, Map<String, Double> components) {
    }

    private JfrSummary() {
    }

    /** The samples of {@code file} between {@code from} and {@code to}. */
    public static Summary read(Path file, Instant from, Instant to) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        try (RecordingFile f = new RecordingFile(file)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                Instant t = e.getStartTime();
                if (t.isBefore(from) || t.isAfter(to)) {
                    continue;
                }
                counts.merge(component(e.getStackTrace()), 1L, Long::sum);
                total++;
            }
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        long n = total;
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(c -> shares.put(c.getKey(), n == 0 ? 0 : (double) c.getValue() / n));
        return new Summary(total, shares);
    }

    static String component(RecordedStackTrace stack) {
        if (stack == null) {
            return OTHER;
        }
        for (RecordedFrame frame : stack.getFrames()) {
            if (frame.getMethod() == null || frame.getMethod().getType() == null) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, String> c : COMPONENTS) {
                if (type.startsWith(c.getKey())) {
                    return c.getValue();
                }
            }
            if (!isJdk(type)) {
                return OTHER;
            }
        }
        return JDK;
    }

    private static boolean isJdk(String type) {
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("com.sun.");
    }
}
