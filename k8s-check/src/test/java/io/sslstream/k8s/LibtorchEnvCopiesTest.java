package io.sslstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code libtorch.env} at the repository root is the one source of the glibc malloc settings of every process that
 * runs libtorch (docs/operations.md). {@code ./bench} sources it, the root pom reads it for the test runs, kafka-local
 * packs it for {@code LocalProcesses.LIBTORCH_ENV}; Dockerfiles and Kubernetes manifests cannot include a file, so
 * they keep copies, and this test fails, naming the file and the key, when one differs from the source.
 */
class LibtorchEnvCopiesTest {

    /** The images and containers that run libtorch: they must carry the settings, not merely agree when they do. */
    static final Set<String> LIBTORCH_DOCKERFILES = Set.of("trainer-service/src/main/docker/Dockerfile.jvm",
            "trainer-service/src/main/docker/Dockerfile.gpu", "eval-service/src/main/docker/Dockerfile.jvm");
    static final Set<String> LIBTORCH_CONTAINERS = Set.of("trainer", "eval");

    static Map<String, String> source;

    @BeforeAll
    static void readSource() throws IOException {
        source = LibtorchEnv.source();
        assertThat(source).as(LibtorchEnv.SOURCE.toString()).containsKeys("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_",
                "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX");
    }

    @Test
    void everyDockerfileThatSetsThemAgreesWithTheSource() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Stream<Path> modules = Files.list(LibtorchEnv.ROOT)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                Path docker = module.resolve("src/main/docker");
                if (!Files.isDirectory(docker)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(docker)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().startsWith("Dockerfile")).sorted().toList()) {
                        String name = LibtorchEnv.ROOT.relativize(f).toString().replace('\\', '/');
                        seen.add(name);
                        problems.addAll(LibtorchEnv.differences(name, LibtorchEnv.dockerfileEnv(Files.readString(f)), source,
                                LIBTORCH_DOCKERFILES.contains(name)));
                    }
                }
            }
        }
        assertThat(seen).as("Dockerfiles found").containsAll(LIBTORCH_DOCKERFILES);
        assertThat(problems).as("Dockerfiles against libtorch.env").isEmpty();
    }

    @Test
    void everyManifestContainerThatSetsThemAgreesWithTheSource() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> carriers = new ArrayList<>();
        List<Path> yamls;
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            yamls = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path f : yamls) {
            String name = LibtorchEnv.ROOT.relativize(f).toString().replace('\\', '/');
            for (ObjectNode doc : Manifests.documents(Files.readString(f))) {
                Map<String, JsonNode> containers = new LinkedHashMap<>();
                LibtorchEnv.containers(doc, "", containers);
                for (Map.Entry<String, JsonNode> c : containers.entrySet()) {
                    String container = c.getValue().path("name").asText();
                    boolean required = LIBTORCH_CONTAINERS.contains(container);
                    if (required) {
                        carriers.add(container);
                    }
                    problems.addAll(LibtorchEnv.differences(name + " (" + Manifests.id(doc) + ", container " + container + ")",
                            LibtorchEnv.containerEnv(c.getValue()), source, required));
                }
            }
        }
        assertThat(carriers).as("containers that run libtorch in k8s/").containsAll(LIBTORCH_CONTAINERS);
        assertThat(problems).as("Kubernetes manifests against libtorch.env").isEmpty();
    }

    /** Overlays may patch a container: what {@code kubectl apply -k} would apply must agree too. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "gpu"})
    void everyBuiltOverlayAgreesWithTheSource(String overlay) throws Exception {
        List<String> problems = new ArrayList<>();
        for (ObjectNode doc : Manifests.documents(Manifests.kustomize(overlay))) {
            Map<String, JsonNode> containers = new LinkedHashMap<>();
            LibtorchEnv.containers(doc, "", containers);
            for (JsonNode c : containers.values()) {
                String container = c.path("name").asText();
                problems.addAll(LibtorchEnv.differences("overlay " + overlay + " (" + Manifests.id(doc) + ", container " + container + ")",
                        LibtorchEnv.containerEnv(c), source, LIBTORCH_CONTAINERS.contains(container)));
            }
        }
        assertThat(problems).as("overlay " + overlay + " against libtorch.env").isEmpty();
    }

    /** The readers of the source must not grow copies of their own. */
    @Test
    void benchSourcesTheFileAndThePomReadsIt() throws IOException {
        String bench = Files.readString(LibtorchEnv.ROOT.resolve("bench"));
        assertThat(bench).as("bench").contains(". ./libtorch.env");
        for (String key : source.keySet()) {
            assertThat(bench).as("bench sets " + key + " itself instead of taking it from libtorch.env").doesNotContain(key + "=");
        }

        String pom = Files.readString(LibtorchEnv.ROOT.resolve("pom.xml"));
        assertThat(pom).as("pom.xml reads libtorch.env").contains("/libtorch.env</file>");
        List<String> problems = new ArrayList<>();
        for (String key : source.keySet()) {
            Matcher m = Pattern.compile("<" + Pattern.quote(key) + ">([^<]*)</" + Pattern.quote(key) + ">").matcher(pom);
            int found = 0;
            while (m.find()) {
                found++;
                if (!m.group(1).equals("${" + key + "}")) {
                    problems.add("pom.xml: " + key + " is " + m.group(1) + " (should be ${" + key + "}, read from libtorch.env)");
                }
            }
            if (found == 0) {
                problems.add("pom.xml: " + key + " is not passed to the test runs");
            }
        }
        assertThat(problems).as("pom.xml against libtorch.env").isEmpty();
    }

    @Test
    void aDifferenceNamesTheFileAndTheKey() {
        Map<String, String> src = LibtorchEnv.parse("# comment\n\nA_=0\nB=1\n");
        String dockerfile = "FROM x\nENV DJL_OFFLINE=true \\\n    A_=0 \\\n    B=2\nENV C \"some value\"\n";
        assertThat(LibtorchEnv.dockerfileEnv(dockerfile)).containsEntry("A_", "0").containsEntry("B", "2")
                .containsEntry("C", "some value").containsEntry("DJL_OFFLINE", "true");
        assertThat(LibtorchEnv.differences("x/Dockerfile", LibtorchEnv.dockerfileEnv(dockerfile), src, false))
                .containsExactly("x/Dockerfile: B is 2 (libtorch.env: 1)");
        assertThat(LibtorchEnv.differences("y/Dockerfile", Map.of("B", "1"), src, false))
                .containsExactly("y/Dockerfile: A_ is not set (libtorch.env: 0)");
        assertThat(LibtorchEnv.differences("z/Dockerfile", Map.of("OTHER", "1"), src, false)).isEmpty();
        assertThat(LibtorchEnv.differences("z/Dockerfile", Map.of("OTHER", "1"), src, true)).hasSize(2);
    }
}
