package io.sslstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a cluster's operators and images do with the manifests, beyond the schema of each resource: each method takes
 * the documents of a built overlay and returns its problems, one line each naming the resource (empty if none).
 * Found by reading the operators' sources against the manifests (issue #17).
 */
final class OperatorChecks {

    /** Where the KEDA operator runs (its install's default) and the label of its pods. */
    static final String KEDA_NAMESPACE = "keda";
    static final String KEDA_POD_LABEL = "app";
    static final String KEDA_POD_NAME = "keda-operator";

    /** Variables the images set and a manifest must not replace (docs/deploy.md, "The images"). */
    static final Set<String> IMAGE_OWNED_ENV = Set.of("JAVA_OPTS", "DJL_CACHE_DIR", "PYTORCH_FLAVOR", "PYTORCH_VERSION",
            "PYTORCH_LIBRARY_PATH");

    private OperatorChecks() {
    }

    /**
     * KEDA's operator connects to a trigger's addresses from its own namespace, where a short Service name resolves to
     * nothing (or to something else): an address naming one of our Services must carry our namespace.
     */
    static List<String> crossNamespaceAddresses(List<ObjectNode> docs, String namespace) {
        Set<String> services = serviceNames(docs);
        List<String> problems = new ArrayList<>();
        for (ObjectNode so : ofKind(docs, "ScaledObject")) {
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                trigger.path("metadata").fields().forEachRemaining(f -> {
                    for (String address : f.getValue().asText().split(",")) {
                        String host = host(address.strip());
                        String[] labels = host.split("\\.");
                        if (!services.contains(labels[0])) {
                            continue;
                        }
                        if (labels.length == 1) {
                            problems.add(Manifests.id(so) + ": " + f.getKey() + " " + address.strip() + " is resolved in the KEDA "
                                    + "operator's namespace; use " + labels[0] + "." + namespace + ".svc");
                        } else if (!labels[1].equals(namespace)) {
                            problems.add(Manifests.id(so) + ": " + f.getKey() + " " + address.strip() + " names namespace "
                                    + labels[1] + ", but Service " + labels[0] + " is in " + namespace);
                        }
                    }
                });
            }
        }
        return problems;
    }

    /**
     * Strimzi writes a listener's NetworkPolicy from its {@code networkPolicyPeers}: a peer without a namespace selector
     * admits pods of the Kafka cluster's namespace only. The KEDA operator reading consumer lag from that listener must
     * be admitted by a peer that selects its namespace.
     */
    static List<String> kedaAdmittedToKafka(List<ObjectNode> docs) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode so : ofKind(docs, "ScaledObject")) {
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                if (!trigger.path("type").asText().equals("kafka")) {
                    continue;
                }
                for (String address : trigger.path("metadata").path("bootstrapServers").asText().split(",")) {
                    String a = address.strip();
                    int port = a.contains(":") ? Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)) : 9092;
                    for (ObjectNode kafka : ofKind(docs, "Kafka")) {
                        if (!host(a).split("\\.")[0].equals(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap")) {
                            continue;
                        }
                        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
                            if (listener.path("port").asInt() == port && listener.has("networkPolicyPeers")
                                    && !admitsKeda(listener.path("networkPolicyPeers"))) {
                                problems.add(Manifests.id(kafka) + ": listener " + listener.path("name").asText() + " (port " + port
                                        + ") admits no pod of namespace " + KEDA_NAMESPACE + ", so " + Manifests.id(so)
                                        + " cannot read the lag it scales on");
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static boolean admitsKeda(JsonNode peers) {
        for (JsonNode peer : peers) {
            JsonNode ns = peer.path("namespaceSelector");
            JsonNode pods = peer.path("podSelector");
            boolean namespaceMatches = ns.isObject() && (ns.isEmpty()
                    || KEDA_NAMESPACE.equals(ns.path("matchLabels").path("kubernetes.io/metadata.name").asText()));
            boolean podMatches = !pods.isObject() || pods.isEmpty()
                    || (pods.path("matchLabels").size() == 1 && KEDA_POD_NAME.equals(pods.path("matchLabels").path(KEDA_POD_LABEL).asText()));
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    /**
     * The Strimzi releases that accept the manifests: they serve every Strimzi API version used and run the
     * {@code Kafka}'s {@code spec.kafka.version}. None is a problem (the manifests would be refused everywhere).
     */
    static List<String> strimziReleases(List<ObjectNode> docs) {
        Set<String> apis = new LinkedHashSet<>();
        String version = null;
        for (ObjectNode d : docs) {
            String api = d.path("apiVersion").asText();
            if (api.startsWith("kafka.strimzi.io/")) {
                apis.add(api.substring(api.indexOf('/') + 1));
            }
            if (d.path("kind").asText().equals("Kafka")) {
                version = d.path("spec").path("kafka").path("version").asText(null);
            }
        }
        return version == null ? List.of() : StrimziReleases.accepting(apis, version);
    }

    static List<String> kafkaVersionSupported(List<ObjectNode> docs) {
        if (!strimziReleases(docs).isEmpty() || ofKind(docs, "Kafka").isEmpty()) {
            return List.of();
        }
        ObjectNode kafka = ofKind(docs, "Kafka").get(0);
        return List.of(Manifests.id(kafka) + ": no Strimzi release in k8s-check's StrimziReleases both serves "
                + kafka.path("apiVersion").asText() + " (and the other Strimzi API versions used) and runs Kafka "
                + kafka.path("spec").path("kafka").path("version").asText());
    }

    /** KEDA sets the replica count of what it scales; a {@code replicas} in the manifest resets it on every apply. */
    static List<String> replicasOnScaledWorkloads(List<ObjectNode> docs) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode so : ofKind(docs, "ScaledObject")) {
            JsonNode ref = so.path("spec").path("scaleTargetRef");
            String kind = ref.path("kind").asText("Deployment");
            for (ObjectNode target : ofKind(docs, kind)) {
                if (target.path("metadata").path("name").asText().equals(ref.path("name").asText())
                        && target.path("spec").has("replicas")) {
                    problems.add(Manifests.id(target) + ": sets replicas (" + target.path("spec").path("replicas").asText()
                            + ") but " + Manifests.id(so) + " scales it; every apply would reset KEDA's count");
                }
            }
        }
        return problems;
    }

    /**
     * The images keep their own JVM flags in {@code JAVA_OPTS} and their libtorch settings in their environment; a
     * container that sets one of {@link #IMAGE_OWNED_ENV} replaces the image's value. Each Java container must size its
     * heap ({@code -XX:MaxRAMPercentage} in {@code JAVA_OPTS_APPEND}): without it the JVM takes a quarter of the limit.
     */
    static List<String> containerEnvironment(List<ObjectNode> docs) {
        Map<String, JsonNode> configMaps = new LinkedHashMap<>();
        for (ObjectNode cm : ofKind(docs, "ConfigMap")) {
            configMaps.put(cm.path("metadata").path("name").asText(), cm.path("data"));
        }
        List<String> problems = new ArrayList<>();
        for (ObjectNode d : docs) {
            Map<String, JsonNode> containers = new LinkedHashMap<>();
            LibtorchEnv.containers(d, "", containers);
            for (JsonNode c : containers.values()) {
                if (!c.path("image").asText().startsWith("sslstream/") || !isService(c)) {
                    continue;
                }
                Map<String, String> env = effectiveEnv(c, configMaps);
                String where = Manifests.id(d) + ", container " + c.path("name").asText();
                for (String owned : IMAGE_OWNED_ENV) {
                    if (env.containsKey(owned)) {
                        problems.add(where + ": sets " + owned + ", which replaces the image's own");
                    }
                }
                if (!env.getOrDefault("JAVA_OPTS_APPEND", "").contains("-XX:MaxRAMPercentage=")) {
                    problems.add(where + ": no -XX:MaxRAMPercentage in JAVA_OPTS_APPEND (the heap would be a quarter of the limit)");
                }
            }
        }
        return problems;
    }

    /** A service container (the four Quarkus services), as opposed to a Job's CLI or an init container's copy. */
    private static boolean isService(JsonNode container) {
        return container.path("image").asText().matches("sslstream/[a-z]+-service:.*");
    }

    /** {@code envFrom} ConfigMaps in order, then {@code env} (which wins), as the kubelet composes them. */
    static Map<String, String> effectiveEnv(JsonNode container, Map<String, JsonNode> configMaps) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            JsonNode data = configMaps.get(from.path("configMapRef").path("name").asText());
            if (data != null) {
                data.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
            }
        }
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(""));
        }
        return env;
    }

    /** Our Services and those Strimzi makes for each {@code Kafka}. */
    private static Set<String> serviceNames(List<ObjectNode> docs) {
        Set<String> names = new HashSet<>();
        for (ObjectNode s : ofKind(docs, "Service")) {
            names.add(s.path("metadata").path("name").asText());
        }
        for (ObjectNode k : ofKind(docs, "Kafka")) {
            String cluster = k.path("metadata").path("name").asText();
            names.add(cluster + "-kafka-bootstrap");
            names.add(cluster + "-kafka-brokers");
        }
        return names;
    }

    /** {@code host} of {@code [scheme://]host[:port][/path]}. */
    private static String host(String address) {
        String a = address.replaceFirst("^[a-z][a-z0-9+.-]*://", "");
        int end = a.length();
        for (char c : new char[]{':', '/'}) {
            int i = a.indexOf(c);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return a.substring(0, end);
    }

    static List<ObjectNode> ofKind(List<ObjectNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }
}
