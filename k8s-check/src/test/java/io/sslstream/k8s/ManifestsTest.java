package io.sslstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sslstream.contracts.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests a platform team applies: each overlay builds with {@code kubectl kustomize} (as
 * {@code kubectl apply -k} would) and every resource in it validates offline. Needs {@code kubectl} on the
 * PATH (CI installs it; see .ci/run).
 */
class ManifestsTest {

    private final ResourceValidator validator = new ResourceValidator();

    @ParameterizedTest
    @ValueSource(strings = {"local", "gpu"})
    void overlayBuildsAndEveryResourceValidates(String overlay) throws Exception {
        List<ObjectNode> docs = Manifests.documents(Manifests.kustomize(overlay));
        List<String> problems = new ArrayList<>();
        for (ObjectNode d : docs) {
            problems.addAll(validator.validate(d));
        }
        assertThat(problems).as("validation problems in overlay " + overlay).isEmpty();

        Map<String, Long> kinds = docs.stream().collect(Collectors.groupingBy(d -> d.path("kind").asText(), Collectors.counting()));
        assertThat(kinds).containsEntry("Deployment", 3L).containsEntry("StatefulSet", 2L).containsEntry("Kafka", 1L)
                .containsEntry("KafkaNodePool", 1L).containsEntry("ScaledObject", 1L).containsEntry("PrometheusRule", 1L)
                .containsEntry("PodMonitor", 2L).containsEntry("PodDisruptionBudget", 1L);
        assertThat(kinds.get("NetworkPolicy")).isGreaterThanOrEqualTo(5);
        assertThat(docs).allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText())
                .as(Manifests.id(d)).isIn("sslstream", ""));
    }

    @Test
    void everyTopicOfTheContractsIsDeclaredWithItsPolicy() throws Exception {
        List<ObjectNode> docs = Manifests.documents(Manifests.kustomize("local"));
        Set<String> topics = docs.stream().filter(d -> d.path("kind").asText().equals("KafkaTopic"))
                .map(d -> d.path("spec").path("topicName").asText()).collect(Collectors.toSet());
        assertThat(topics).contains(Topics.SAMPLES_RAW, Topics.SAMPLES_DLQ, Topics.CHECKPOINTS, Topics.CHECKPOINTS_DLQ, Topics.EVALUATIONS,
                Topics.views("simclr"), Topics.views("byol"), Topics.views("multicrop"), Topics.views("mae"), Topics.TRAINER_SYNC);
        for (ObjectNode t : docs.stream().filter(d -> d.path("kind").asText().equals("KafkaTopic")).toList()) {
            JsonNode config = t.path("spec").path("config");
            assertThat(config.has("retention.ms")).as(Manifests.id(t) + " retention").isTrue();
            assertThat(config.has("compression.type")).as(Manifests.id(t) + " compression").isTrue();
            assertThat(t.path("spec").path("partitions").asInt()).as(Manifests.id(t)).isPositive();
        }
        // every trainer replica must read the sync records in one order: one partition
        assertThat(docs).filteredOn(d -> d.path("spec").path("topicName").asText().equals(Topics.TRAINER_SYNC))
                .singleElement().satisfies(t -> assertThat(t.path("spec").path("partitions").asInt()).isEqualTo(1));
    }

    @Test
    void servicesAreProbedLimitedAndNonRoot() throws Exception {
        for (String overlay : List.of("local", "gpu")) {
            for (ObjectNode d : Manifests.documents(Manifests.kustomize(overlay))) {
                // our services (the trainer is a StatefulSet; PostgreSQL's is not ours)
                boolean service = d.path("kind").asText().equals("Deployment") || Manifests.id(d).equals("StatefulSet/trainer");
                if (!service) {
                    continue;
                }
                JsonNode pod = d.path("spec").path("template").path("spec");
                JsonNode c = pod.path("containers").get(0);
                String id = overlay + " " + Manifests.id(d);
                assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).as(id).isEqualTo("/q/health/live");
                assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).as(id).isEqualTo("/q/health/ready");
                assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).as(id).isEqualTo("/q/health/started");
                assertThat(c.path("resources").path("requests").path("cpu").isMissingNode()).as(id + " cpu request").isFalse();
                assertThat(c.path("resources").path("limits").path("memory").isMissingNode()).as(id + " memory limit").isFalse();
                assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(id).isTrue();
                assertThat(d.path("spec").path("template").path("metadata").path("labels").path("sslstream.io/metrics").asText())
                        .as(id + " is scraped").isEqualTo("true");
            }
        }
    }

    @Test
    void gpuOverlayPutsTheTrainerOnAGpuWithTheCudaImage() throws Exception {
        ObjectNode trainer = Manifests.documents(Manifests.kustomize("gpu")).stream()
                .filter(d -> Manifests.id(d).equals("StatefulSet/trainer")).findFirst().orElseThrow();
        JsonNode pod = trainer.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("resources").path("limits").path("nvidia.com/gpu").asText()).isEqualTo("1");
        assertThat(c.path("image").asText()).endsWith(":0.1.0-cuda");
        assertThat(pod.path("tolerations").get(0).path("key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(pod.path("nodeSelector").path("nvidia.com/gpu.present").asText()).isEqualTo("true");
        ObjectNode config = Manifests.documents(Manifests.kustomize("gpu")).stream()
                .filter(d -> Manifests.id(d).equals("ConfigMap/trainer-config")).findFirst().orElseThrow();
        assertThat(config.path("data").path("SSL_TRAINER_DEVICE").asText()).isEqualTo("gpu");
        // replicas of one run: as many pods as the run is configured for, each pod's id the ordinal its name ends with
        assertThat(trainer.path("spec").path("replicas").asInt()).isEqualTo(2)
                .isEqualTo(config.path("data").path("SSL_TRAINER_REPLICAS").asInt());
        assertThat(config.path("data").has("SSL_TRAINER_REPLICA_ID")).isFalse();
    }

    @Test
    void theDashboardShipsAsASidecarConfigMapAndEveryPanelHasAQuery() throws Exception {
        ObjectNode cm = Manifests.documents(Manifests.kustomize("local")).stream()
                .filter(d -> Manifests.id(d).equals("ConfigMap/grafana-dashboard-sslstream")).findFirst().orElseThrow();
        assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        JsonNode dashboard = Manifests.YAML.readTree(cm.path("data").path("sslstream.json").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("sslstream");
        Set<String> titles = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("expr").asText()).isNotBlank();
            }
        }
        assertThat(titles).hasSizeGreaterThanOrEqualTo(8);
        assertThat(Files.readString(Manifests.K8S.resolve("base/monitoring/dashboard.json"))).contains("ssl_trainer_loss");
    }

    /** The loader Job (docs/deploy.md, step 3) is applied on its own: it validates, and Kafka's listener admits its pod. */
    @Test
    void theLoaderJobValidatesAndItsPodIsAdmittedByTheKafkaListener() throws Exception {
        List<ObjectNode> job = Manifests.documents(Files.readString(Manifests.K8S.resolve("jobs/load-fashion-mnist.yaml")));
        assertThat(job).singleElement().satisfies(d -> assertThat(validator.validate(d)).isEmpty());
        JsonNode podLabels = job.get(0).path("spec").path("template").path("metadata").path("labels");
        ObjectNode kafka = Manifests.documents(Manifests.kustomize("local")).stream()
                .filter(d -> Manifests.id(d).equals("Kafka/sslstream")).findFirst().orElseThrow();
        boolean admitted = false;
        for (JsonNode peer : kafka.path("spec").path("kafka").path("listeners").get(0).path("networkPolicyPeers")) {
            if (!peer.has("namespaceSelector")) {
                Map<String, String> wanted = Manifests.YAML.convertValue(peer.path("podSelector").path("matchLabels"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
                admitted |= wanted.entrySet().stream().allMatch(e -> e.getValue().equals(podLabels.path(e.getKey()).asText()));
            }
        }
        assertThat(admitted).as("a peer of the listener selects the Job's pod labels " + podLabels).isTrue();
    }

    @Test
    void aMisspeltFieldIsCaught() throws IOException {
        ObjectNode bad = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: y
                          resoruces: {limits: {memory: 1Gi}}
                """);
        assertThat(validator.validate(bad)).singleElement().asString().contains("unknown field(s) [resoruces]");
        ObjectNode badTopic = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {topicName: t, partitions: 1, replica: 1}
                """);
        assertThat(validator.validate(badTopic)).singleElement().asString().contains("unknown field(s) [replica]");
        ObjectNode badScaler = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: s}
                spec: {scaleTargetRef: {name: a}, maxReplicas: 3, triggers: [{type: kafka, metadata: {lagThreshold: 5}}]}
                """);
        assertThat(validator.validate(badScaler)).hasSizeGreaterThanOrEqualTo(2);
        ObjectNode unknownKind = (ObjectNode) Manifests.YAML.readTree("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                """);
        assertThat(validator.validate(unknownKind)).singleElement().asString().contains("unknown kind Widget");
    }
}
