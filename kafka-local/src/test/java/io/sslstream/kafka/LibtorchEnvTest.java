package io.sslstream.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LocalProcesses#LIBTORCH_ENV} is the repository's {@code libtorch.env}, and so is the environment the root pom
 * gives the test runs (k8s-check's LibtorchEnvCopiesTest checks the copies in Dockerfiles and manifests).
 */
class LibtorchEnvTest {

    /** The source, read from the repository (Maven runs this test in kafka-local's folder). */
    private static Map<String, String> source() throws Exception {
        return LocalProcesses.parseEnv(Files.readString(Path.of("../libtorch.env")));
    }

    @Test
    void theLocalStackTakesTheSettingsFromLibtorchEnv() throws Exception {
        assertThat(LocalProcesses.LIBTORCH_ENV).as("LocalProcesses.LIBTORCH_ENV against libtorch.env").isEqualTo(source())
                .containsEntry("MALLOC_ARENA_MAX", "1");
    }

    @Test
    void theTestRunsGetTheSettingsFromTheRootPom() throws Exception {
        for (Map.Entry<String, String> e : source().entrySet()) {
            assertThat(System.getenv(e.getKey())).as("the test JVM's " + e.getKey() + " (pom.xml, surefire's environmentVariables,"
                    + " read from libtorch.env)").isEqualTo(e.getValue());
        }
    }

    @Test
    void parsesKeyValueLinesAndSkipsComments() {
        assertThat(LocalProcesses.parseEnv("# a comment\n\n  A_=0  \r\nB=100000000000\n# C=2\n"))
                .containsExactly(Map.entry("A_", "0"), Map.entry("B", "100000000000"));
        assertThatThrownBy(() -> LocalProcesses.parseEnv("A=1\nnot a setting\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> LocalProcesses.parseEnv("# nothing\n")).hasMessageContaining("no KEY=VALUE");
    }
}
