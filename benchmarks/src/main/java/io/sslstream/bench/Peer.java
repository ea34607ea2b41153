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
 * A PyTorch peer script from the repository's {@code benchmarks/peer/}, run with Debian's interpreter
 * ({@code /usr/bin/python3}, which has {@code python3-torch} and {@code python3-torchvision}): its JSON lines are the
 * peer's numbers. The child inherits this process's environment, so the peer runs with the glibc malloc settings
 * {@code ./bench} exported from {@code libtorch.env}.
 */
public final class Peer {

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Peer() {
    }

    /** Where the peers live, relative to the repository root. */
    public static final String DIR = "benchmarks/peer";

    /** The peer script {@code name} of the repository at {@code repo}, e.g. {@code simclr_fmnist.py}. */
    public static Path script(Path repo, String name) {
        return repo.resolve(DIR).resolve(name);
    }

    /** Runs {@code script} with {@code args}; returns every stdout line that is a JSON object, echoing the rest. */
    public static List<JsonNode> run(Path script, List<String> args, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new IOException(PYTHON + " not found: install Debian's python3-torch python3-torchvision for the peer");
        }
        if (!Files.isRegularFile(script)) {
            throw new IOException("peer script " + script + " not found (the peers are in " + DIR + "/ of the repository)");
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
