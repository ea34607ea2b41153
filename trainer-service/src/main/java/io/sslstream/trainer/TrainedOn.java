package io.sslstream.trainer;

import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a run has trained on since it started, for its checkpoints' provenance: the datasets of the samples (the
 * view records' {@code ssl-dataset} header; {@value Provenance#UNKNOWN} stands for records without it), the recipes
 * of the view sets and the recipe versions. Each is a sorted, comma-separated list. A resumed run goes on from what
 * its checkpoint recorded; a checkpoint written before these keys existed adds {@value Provenance#UNKNOWN}. Used by
 * the training thread only.
 */
final class TrainedOn {

    /** Numbers in numeric order, before anything else ({@value Provenance#UNKNOWN}) in text order. */
    private static final Comparator<String> VERSIONS = Comparator.<String, Boolean>comparing(v -> !v.matches("\\d{1,9}"))
            .thenComparing(v -> v.matches("\\d{1,9}") ? Integer.parseInt(v) : 0)
            .thenComparing(Comparator.naturalOrder());

    private final SortedSet<String> datasets = new TreeSet<>();
    private final SortedSet<String> recipes = new TreeSet<>();
    private final SortedSet<String> recipeVersions = new TreeSet<>(VERSIONS);

    /** A view set trained on. */
    void add(ViewQueue.Item item) {
        datasets.add(item.dataset() != null ? item.dataset() : Provenance.UNKNOWN);
        recipes.add(item.views().recipe());
        recipeVersions.add(Integer.toString(item.views().recipeVersion()));
    }

    /** What the checkpoint the run resumes from had trained on. */
    void restore(Map<String, String> provenance) {
        datasets.addAll(split(provenance.get(Provenance.DATASET)));
        recipes.addAll(split(provenance.get(Provenance.RECIPE)));
        recipeVersions.addAll(split(provenance.get(Provenance.RECIPE_VERSION)));
    }

    /** {@link Provenance#DATASET}, {@link Provenance#RECIPE} and {@link Provenance#RECIPE_VERSION}. */
    Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(Provenance.DATASET, join(datasets));
        p.put(Provenance.RECIPE, join(recipes));
        p.put(Provenance.RECIPE_VERSION, join(recipeVersions));
        return p;
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of(Provenance.UNKNOWN);
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String join(SortedSet<String> values) {
        return values.isEmpty() ? Provenance.UNKNOWN : String.join(",", values);
    }
}
