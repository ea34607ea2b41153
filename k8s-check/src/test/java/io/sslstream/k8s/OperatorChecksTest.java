package io.sslstream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OperatorChecks} on both overlays (they must pass), and on manifests with each mistake of issue #17 (they must
 * fail, naming it). The bad manifests are the built overlay with one thing changed, so that a check that passed them
 * would also have passed the original mistake.
 */
class OperatorChecksTest {

    static final String NS = "sslstream";

    @ParameterizedTest
    @ValueSource(strings = {"local", "gpu"})
    void bothOverlaysPassEveryCheck(String overlay) throws Exception {
        List<ObjectNode> docs = Manifests.documents(Manifests.kustomize(overlay));
        List<String> problems = new ArrayList<>();
        problems.addAll(OperatorChecks.crossNamespaceAddresses(docs, NS));
        problems.addAll(OperatorChecks.kedaAdmittedToKafka(docs));
        problems.addAll(OperatorChecks.kafkaVersionSupported(docs));
        problems.addAll(OperatorChecks.replicasOnScaledWorkloads(docs));
        problems.addAll(OperatorChecks.containerEnvironment(docs));
        assertThat(problems).as("overlay " + overlay).isEmpty();
    }

    @Test
    void aShortBootstrapAddressInAScaledObjectFails() throws Exception {
        List<ObjectNode> docs = built();
        trigger(docs).put("bootstrapServers", "sslstream-kafka-bootstrap:9092");
        assertThat(OperatorChecks.crossNamespaceAddresses(docs, NS)).singleElement().asString()
                .contains("ScaledObject/augmenter").contains("resolved in the KEDA operator's namespace")
                .contains("sslstream-kafka-bootstrap.sslstream.svc");

        trigger(docs).put("bootstrapServers", "sslstream-kafka-bootstrap.default.svc:9092");
        assertThat(OperatorChecks.crossNamespaceAddresses(docs, NS)).singleElement().asString().contains("names namespace default");
    }

    @Test
    void aListenerThatAdmitsOnlyOurNamespaceFails() throws Exception {
        List<ObjectNode> docs = built();
        ObjectNode listener = (ObjectNode) OperatorChecks.ofKind(docs, "Kafka").get(0).path("spec").path("kafka").path("listeners").get(0);
        // the original mistake: one peer, a pod selector and no namespace selector
        listener.set("networkPolicyPeers", Manifests.YAML.readTree("[{podSelector: {matchLabels: {app.kubernetes.io/part-of: sslstream}}}]"));
        assertThat(OperatorChecks.kedaAdmittedToKafka(docs)).singleElement().asString()
                .contains("Kafka/sslstream: listener plain (port 9092) admits no pod of namespace keda");
        // a namespace selector alone on another namespace admits nobody of KEDA's either
        listener.set("networkPolicyPeers", Manifests.YAML.readTree("[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]"));
        assertThat(OperatorChecks.kedaAdmittedToKafka(docs)).hasSize(1);
    }

    @Test
    void aKafkaVersionThePinnedStrimziDoesNotRunFails() throws Exception {
        List<ObjectNode> docs = built();
        ObjectNode kafka = (ObjectNode) OperatorChecks.ofKind(docs, "Kafka").get(0).path("spec").path("kafka");
        kafka.put("version", "4.2.0");
        assertThat(OperatorChecks.kafkaVersionSupported(docs)).singleElement().asString()
                .contains("no Strimzi release").contains("runs Kafka 4.2.0");

        // the original pair, v1beta2 and 4.1.0: accepted by 0.48 to 0.50 only
        kafka.put("version", "4.1.0");
        for (ObjectNode d : docs) {
            if (d.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                d.put("apiVersion", "kafka.strimzi.io/v1beta2");
            }
        }
        assertThat(OperatorChecks.strimziReleases(docs)).containsExactly("0.48.0", "0.49.0", "0.49.1", "0.50.0");
        kafka.put("version", "3.9.0");
        assertThat(OperatorChecks.strimziReleases(docs)).doesNotContain("0.48.0", "0.49.0", "1.0.0");
    }

    @Test
    void replicasOnTheWorkloadKedaScalesFail() throws Exception {
        List<ObjectNode> docs = built();
        ObjectNode augmenter = docs.stream().filter(d -> Manifests.id(d).equals("Deployment/augmenter")).findFirst().orElseThrow();
        ((ObjectNode) augmenter.path("spec")).put("replicas", 2);
        assertThat(OperatorChecks.replicasOnScaledWorkloads(docs)).singleElement().asString()
                .contains("Deployment/augmenter: sets replicas (2) but ScaledObject/augmenter scales it");
    }

    @Test
    void aManifestThatReplacesTheImagesSettingsOrLeavesTheHeapAtAQuarterFails() throws Exception {
        List<ObjectNode> docs = built();
        ObjectNode trainerConfig = docs.stream().filter(d -> Manifests.id(d).equals("ConfigMap/trainer-config")).findFirst().orElseThrow();
        ((ObjectNode) trainerConfig.path("data")).put("JAVA_OPTS", "-Xmx2g");
        ObjectNode eval = docs.stream().filter(d -> Manifests.id(d).equals("Deployment/eval")).findFirst().orElseThrow();
        ObjectNode evalContainer = (ObjectNode) eval.path("spec").path("template").path("spec").path("containers").get(0);
        evalContainer.withArray("env").add(Manifests.YAML.readTree("{name: DJL_CACHE_DIR, value: /cache/djl}"));
        ObjectNode registryConfig = docs.stream().filter(d -> Manifests.id(d).equals("ConfigMap/registry-config")).findFirst().orElseThrow();
        ((ObjectNode) registryConfig.path("data")).remove("JAVA_OPTS_APPEND");

        assertThat(OperatorChecks.containerEnvironment(docs)).containsExactlyInAnyOrder(
                "StatefulSet/trainer, container trainer: sets JAVA_OPTS, which replaces the image's own",
                "Deployment/eval, container eval: sets DJL_CACHE_DIR, which replaces the image's own",
                "Deployment/registry, container registry: no -XX:MaxRAMPercentage in JAVA_OPTS_APPEND (the heap would be a quarter of the limit)");
    }

    /**
     * The other side of {@link OperatorChecks#containerEnvironment}: every service image keeps its flags in
     * {@code JAVA_OPTS} and leaves {@code JAVA_OPTS_APPEND} to the deployer, and the GPU image's entrypoint reads both.
     */
    @Test
    void everyServiceImageKeepsItsFlagsOutOfTheDeployersVariable() throws IOException {
        List<String> problems = new ArrayList<>();
        int images = 0;
        try (Stream<Path> modules = Files.list(LibtorchEnv.ROOT)) {
            for (Path module : modules.filter(m -> m.getFileName().toString().endsWith("-service")).sorted().toList()) {
                try (Stream<Path> files = Files.list(module.resolve("src/main/docker"))) {
                    for (Path f : files.filter(p -> p.getFileName().toString().startsWith("Dockerfile")).sorted().toList()) {
                        images++;
                        Map<String, String> env = LibtorchEnv.dockerfileEnv(Files.readString(f));
                        if (env.containsKey("JAVA_OPTS_APPEND")) {
                            problems.add(f + ": sets JAVA_OPTS_APPEND, which a manifest's replaces");
                        }
                        if (!env.getOrDefault("JAVA_OPTS", "").contains("-Djava.util.logging.manager=org.jboss.logmanager.LogManager")) {
                            problems.add(f + ": no logging manager flag in JAVA_OPTS");
                        }
                    }
                }
            }
        }
        assertThat(images).as("service Dockerfiles").isEqualTo(5);
        assertThat(problems).isEmpty();
        assertThat(Files.readString(LibtorchEnv.ROOT.resolve("trainer-service/src/main/docker/gpu/run-java.sh")))
                .contains("${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-}");
    }

    /** docs/deploy.md names the Strimzi releases the manifests were checked against: those the table accepts. */
    @Test
    void theDeployGuideStatesTheStrimziReleasesThatAcceptTheManifests() throws Exception {
        List<String> releases = OperatorChecks.strimziReleases(built());
        assertThat(releases).contains("0.49.0", "1.0.0");
        String guide = Files.readString(LibtorchEnv.ROOT.resolve("docs/deploy.md"));
        assertThat(guide).contains("Strimzi " + String.join(", ", releases));
    }

    private static List<ObjectNode> built() throws Exception {
        // a fresh parse per test: the tests change the documents
        return Manifests.documents(Manifests.kustomize("local"));
    }

    private static ObjectNode trigger(List<ObjectNode> docs) {
        return (ObjectNode) OperatorChecks.ofKind(docs, "ScaledObject").get(0).path("spec").path("triggers").get(0).path("metadata");
    }
}
