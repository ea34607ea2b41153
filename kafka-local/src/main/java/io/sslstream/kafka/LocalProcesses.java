package io.sslstream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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

    /** The repository's {@code libtorch.env}, packed into this module's jar next to this class (see the pom). */
    static final String LIBTORCH_ENV_RESOURCE = "libtorch.env";

    /**
     * glibc malloc settings for a JVM that runs libtorch (docs/operations.md, "Allocator"): keep freed memory
     * instead of returning it to the kernel every step, and one arena, because off the main thread glibc mmaps
     * every allocation above 64 MB whatever {@code MALLOC_MMAP_MAX_} says. Read from the repository's
     * {@code libtorch.env}, the one source that {@code ./bench}, the PyTorch peers and the Maven test runs read too;
     * the Dockerfiles and the Kubernetes manifests keep checked copies.
     */
    public static final Map<String, String> LIBTORCH_ENV = libtorchEnv();

    private static Map<String, String> libtorchEnv() {
        try (InputStream in = LocalProcesses.class.getResourceAsStream(LIBTORCH_ENV_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(LIBTORCH_ENV_RESOURCE + " is not on the classpath next to "
                        + LocalProcesses.class.getName() + " (kafka-local's pom packs the repository's file)");
            }
            return parseEnv(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + LIBTORCH_ENV_RESOURCE, e);
        }
    }

    /**
     * {@code KEY=VALUE} lines in file order; blank lines and lines starting with {@code #} are skipped. Values are
     * taken as written (no quotes, no expansion), as a shell that sources the file and Docker's {@code --env-file}
     * read them.
     */
    static Map<String, String> parseEnv(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not KEY=VALUE: " + line);
            }
            env.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        if (env.isEmpty()) {
            throw new IllegalArgumentException("no KEY=VALUE line");
        }
        return Collections.unmodifiableMap(env);
    }

    /** The {@code java} executable of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
