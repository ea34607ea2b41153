package io.sslstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.events.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PyTorch peer script from {@code ../shared/bench/}, run with Debian's interpreter ({@code /usr/bin/python3},
 * which has {@code python3-torch}): its JSON lines are the peer's numbers.
 */
public final class Peer {

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Peer() {
    }

    /** The peer folder: {@code ../shared/bench} next to the repository, or {@code -Dsslstream.peer-dir}. */
    public static Path dir(Path repo) {
        String override = System.getProperty("sslstream.peer-dir");
        return override != null ? Path.of(override) : repo.resolve("../shared/bench").normalize();
    }

    /** Runs {@code script} with {@code args}; returns every stdout line that is a JSON object, echoing the rest. */
    public static List<JsonNode> run(Path script, List<String> args, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new IOException(PYTHON + " not found: install Debian's python3-torch python3-torchvision for the peer");
        }
        if (!Files.isRegularFile(script)) {
            throw new IOException("peer script " + script + " not found (set -Dsslstream.peer-dir)");
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    out.add(Json.MAPPER.readTree(line));
                } else {
                    System.out.println("peer: " + line);
                }
            }
        }
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("peer " + script.getFileName() + " did not finish within " + timeout);
        }
        if (p.exitValue() != 0) {
            throw new IOException("peer " + script.getFileName() + " exited with " + p.exitValue());
        }
        return out;
    }
}
