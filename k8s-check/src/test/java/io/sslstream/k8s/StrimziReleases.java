package io.sslstream.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each Strimzi release accepts, as its release notes and Strimzi's download table state it (read for issue #17):
 * the API versions of its custom resources that it serves, and the Kafka versions it runs (a {@code Kafka} naming
 * another version is refused with "Unsupported Kafka.spec.kafka.version"). Only releases whose lists were read are
 * here; 0.50.1 and 0.51.0 are not, and 1.0.0's list is its release candidate's image list.
 */
final class StrimziReleases {

    record Release(String version, Set<String> apis, Set<String> kafka) {
    }

    private static final Set<String> V1BETA2 = Set.of("v1beta2");
    private static final Set<String> BOTH = Set.of("v1", "v1beta2");

    /** In release order. */
    static final Map<String, Release> ALL = table(
            new Release("0.45.0", V1BETA2, Set.of("3.8.0", "3.8.1", "3.9.0")),
            new Release("0.45.1", V1BETA2, Set.of("3.8.0", "3.8.1", "3.9.0", "3.9.1")),
            new Release("0.46.0", V1BETA2, Set.of("3.9.0", "4.0.0")),
            new Release("0.46.1", V1BETA2, Set.of("3.9.0", "4.0.0")),
            new Release("0.47.0", V1BETA2, Set.of("3.9.0", "3.9.1", "4.0.0")),
            new Release("0.48.0", V1BETA2, Set.of("4.0.0", "4.1.0")),
            new Release("0.49.0", BOTH, Set.of("4.0.0", "4.0.1", "4.1.0", "4.1.1")),
            new Release("0.49.1", BOTH, Set.of("4.0.0", "4.0.1", "4.1.0", "4.1.1")),
            new Release("0.50.0", BOTH, Set.of("4.0.0", "4.0.1", "4.1.0", "4.1.1")),
            new Release("1.0.0", Set.of("v1"), Set.of("4.1.0", "4.1.1", "4.1.2")));

    private StrimziReleases() {
    }

    private static Map<String, Release> table(Release... releases) {
        Map<String, Release> m = new LinkedHashMap<>();
        for (Release r : releases) {
            m.put(r.version(), r);
        }
        return m;
    }

    /** The releases that serve every one of {@code apis} ({@code v1}, {@code v1beta2}) and run Kafka {@code kafka}. */
    static List<String> accepting(Set<String> apis, String kafka) {
        List<String> out = new ArrayList<>();
        for (Release r : ALL.values()) {
            if (r.apis().containsAll(apis) && r.kafka().contains(kafka)) {
                out.add(r.version());
            }
        }
        return out;
    }
}
