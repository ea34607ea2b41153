package io.sslstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates one Kubernetes resource offline, the strictest way available for its kind:
 * <ul>
 *   <li>Kubernetes kinds and the Prometheus operator's (PodMonitor, PrometheusRule): fabric8's typed model;</li>
 *   <li>Strimzi's Kafka, KafkaNodePool, KafkaTopic: Strimzi's own API classes;</li>
 *   <li>KEDA's ScaledObject: a JSON schema made from its CRD.</li>
 * </ul>
 * Typed models accept unknown fields into an "additional properties" map (the API server would prune them
 * silently); here any such field is an error, which catches misspelt and misplaced keys. A kind none of these
 * know is an error too.
 */
final class ResourceValidator {

    private static final Map<String, Class<?>> STRIMZI = Map.of(
            "Kafka", Kafka.class,
            "KafkaNodePool", KafkaNodePool.class,
            "KafkaTopic", KafkaTopic.class);

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonSchema scaledObject;

    ResourceValidator() {
        try (InputStream in = ResourceValidator.class.getResourceAsStream("/schemas/keda-scaledobject.json")) {
            scaledObject = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Problems with one resource, each prefixed with kind/name; empty if valid. */
    List<String> validate(ObjectNode doc) {
        String id = Manifests.id(doc);
        List<String> problems = new ArrayList<>();
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        try {
            if ("keda.sh/v1alpha1".equals(apiVersion) && "ScaledObject".equals(kind)) {
                for (ValidationMessage m : scaledObject.validate(doc)) {
                    problems.add(id + ": " + m.getMessage());
                }
                return problems;
            }
            Object typed;
            if (apiVersion.startsWith("kafka.strimzi.io/") && STRIMZI.containsKey(kind)) {
                typed = mapper.treeToValue(doc, STRIMZI.get(kind));
            } else {
                typed = serialization.unmarshal(doc.toString());
                if (typed instanceof GenericKubernetesResource) {
                    problems.add(id + ": unknown kind " + kind + " in " + apiVersion + " (no schema to validate it against)");
                    return problems;
                }
            }
            if (!(typed instanceof HasMetadata hm) || hm.getMetadata() == null || hm.getMetadata().getName() == null) {
                problems.add(id + ": no metadata.name");
            }
            unknownFields(typed, kind, problems, id, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        } catch (Exception e) {
            problems.add(id + ": does not parse as " + kind + ": " + e.getMessage());
        }
        return problems;
    }

    /** Walks the typed object and reports every non-empty "additional properties" map with its path. */
    private void unknownFields(Object o, String path, List<String> problems, String id, Set<Object> seen) throws Exception {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", problems, id, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), problems, id, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.") && !pkg.startsWith("io.strimzi.")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(id + ": unknown field(s) " + extra.keySet() + " at " + path);
                }
                continue;
            }
            unknownFields(value, path + "." + decapitalize(m.getName().substring(3)), problems, id, seen);
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
