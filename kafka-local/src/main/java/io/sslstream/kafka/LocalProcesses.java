package io.sslstream.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** The {@code java} executable of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
