package io.sslstream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How the local stack starts its child JVMs. */
public final class LocalProcesses {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private LocalProcesses() {
    }

    /**
     * The command, run in a session of its own where {@code setsid} exists: Ctrl-C in a terminal then
     * reaches only the launcher, which stops the children in order (services before the broker) instead
     * of every process receiving SIGINT at once.
     */
    public static List<String> detached(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.addAll(command);
        return cmd;
    }

    /**
     * glibc malloc tunables for a JVM that runs libtorch (docs/operations.md, "Allocator"): keep freed memory
     * instead of returning it to the kernel every step, and one arena, because off the main thread glibc mmaps
     * every allocation above 64 MB whatever {@code MALLOC_MMAP_MAX_} says. The pom's test environment, the
     * Dockerfiles, the Kubernetes manifests and {@code ./bench} set the same values.
     */
    public static final Map<String, String> LIBTORCH_ENV = Map.of(
            "MALLOC_MMAP_MAX_", "0",
            "MALLOC_TRIM_THRESHOLD_", "100000000000",
            "MALLOC_TOP_PAD_", "536870912",
            "MALLOC_ARENA_MAX", "1");

    /** The {@code java} executable of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
