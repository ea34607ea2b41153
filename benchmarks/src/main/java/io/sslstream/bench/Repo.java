package io.sslstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root (the benchmarks run from {@code <root>/benchmarks/target/...}). */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        try {
            Path self = Path.of(Repo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = self; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("benchmarks"))) {
                    return p;
                }
            }
        } catch (Exception ignored) {
            // fall back to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    public static Path benchmarksDoc() {
        return root().resolve("docs/benchmarks.md");
    }
}
