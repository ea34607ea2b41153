package io.sslstream.cli;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The table the local stack ends with: per evaluation dataset, one row per checkpoint version with its accuracies by
 * protocol and its lift over raw pixels, the baselines, a legend, and a word when the newest encoder is no better than
 * a random one. A version's numbers on one dataset never stand in for another's.
 */
public final class EvaluationTable {

    /** Protocols shown, in column order. */
    static final List<String> PROTOCOLS = List.of("linear", "linear@10", "linear@100", "knn@20", "knn@200");

    static final String ENCODER = "encoder";
    static final String RAW_PIXELS = "raw-pixels";
    static final String RANDOM_INIT = "random-init";

    static final String LEGEND = """
            linear: a linear classifier on the frozen features, all train labels; linear@N: N labels per class (mean ± sd
            over label draws); knn@K: vote of the K nearest train images in feature space. dataset name@T/E: fit on T labelled
            images, scored on E test images. vs raw: linear minus raw pixels' linear, in points (above 0: the encoder helps)
            """;

    private EvaluationTable() {
    }

    /** One table per dataset the versions were evaluated on (one table of pending versions when none was). */
    public static String render(String model, List<ModelVersion> versions) {
        TreeSet<String> datasets = new TreeSet<>();
        versions.forEach(v -> v.evaluations().forEach(e -> datasets.add(e.dataset())));
        if (datasets.isEmpty()) {
            return render(model, versions, null);
        }
        StringBuilder sb = new StringBuilder();
        for (String dataset : datasets) {
            sb.append(sb.isEmpty() ? "" : "\n").append(render(model, versions, dataset));
        }
        return sb.toString();
    }

    /**
     * The table of one dataset id ({@code name@train/test}): each version's newest evaluation on it, or pending.
     *
     * @param dataset the dataset id, or null for a table of versions without evaluations
     */
    public static String render(String model, List<ModelVersion> versions, String dataset) {
        List<ModelVersion> rows = new ArrayList<>(versions);
        rows.sort(Comparator.comparingInt(ModelVersion::version));
        StringBuilder sb = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-8s %7s %9s %7s  %-10s", "version", "step", "samples", "loss", "eval");
        for (String p : PROTOCOLS) {
            header += String.format(Locale.ROOT, " %10s", p);
        }
        header += String.format(Locale.ROOT, " %7s", "vs raw");
        sb.append("model ").append(model).append(", ")
                .append(dataset == null ? "no evaluation yet" : "dataset " + dataset + ": accuracy on its test split").append('\n')
                .append(header).append('\n').append("-".repeat(header.length())).append('\n');
        ModelVersion newestEvaluated = null;
        EvaluationCompleted newest = null;
        for (ModelVersion v : rows) {
            Optional<EvaluationCompleted> ev = dataset == null ? Optional.empty() : latest(v, dataset);
            String state = ev.map(EvaluationCompleted::status).orElse("pending");
            sb.append(String.format(Locale.ROOT, "%-8s %7d %9d %7s  %-10s", "v" + v.version(), v.step(), v.samplesSeen(),
                    v.loss() == null ? "-" : String.format(Locale.ROOT, "%.3f", v.loss()), state));
            for (String p : PROTOCOLS) {
                sb.append(String.format(Locale.ROOT, " %10s", ev.flatMap(e -> cell(e, p, ENCODER)).orElse("-")));
            }
            sb.append(String.format(Locale.ROOT, " %7s", ev.flatMap(EvaluationTable::liftOverRawPixels).orElse("-")));
            sb.append('\n');
            if (ev.isPresent() && EvaluationCompleted.SUCCEEDED.equals(ev.get().status())) {
                newestEvaluated = v;
                newest = ev.get();
            }
            if (ev.isPresent() && EvaluationCompleted.FAILED.equals(ev.get().status())) {
                sb.append("         failure: ").append(ev.get().failureReason()).append('\n');
            }
        }
        if (newest != null) {
            for (String featureSet : List.of(RAW_PIXELS, RANDOM_INIT)) {
                EvaluationCompleted b = newest;
                if (b.results().stream().noneMatch(r -> featureSet.equals(r.featureSet()))) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%-8s %7s %9s %7s  %-10s", "baseline", "", "", "", featureSet));
                for (String p : PROTOCOLS) {
                    sb.append(String.format(Locale.ROOT, " %10s", cell(b, p, featureSet).orElse("-")));
                }
                sb.append('\n');
            }
            sb.append(LEGEND);
            untrained(newestEvaluated, newest).ifPresent(sb::append);
        }
        return sb.toString();
    }

    /**
     * A word when the newest evaluated encoder is no better than a randomly initialised one of its architecture on some
     * protocol: its numbers then say nothing about the method, only that it was hardly trained.
     */
    static Optional<String> untrained(ModelVersion v, EvaluationCompleted e) {
        List<String> notBetter = new ArrayList<>();
        for (String p : PROTOCOLS) {
            Optional<Double> encoder = accuracy(e, p, ENCODER);
            Optional<Double> random = accuracy(e, p, RANDOM_INIT);
            if (encoder.isPresent() && random.isPresent() && encoder.get() <= random.get()) {
                notBetter.add(String.format(Locale.ROOT, "%s %.1f%% against %.1f%%", p, 100 * encoder.get(), 100 * random.get()));
            }
        }
        if (notBetter.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "v%d (%,d steps, %,d samples) is no better than a randomly initialised "
                + "encoder on %s:%nit has hardly been trained, and its numbers say nothing about the method yet.%n",
                v.version(), v.step(), v.samplesSeen(), String.join(", ", notBetter)));
    }

    /** The version's newest evaluation on {@code dataset}. */
    static Optional<EvaluationCompleted> latest(ModelVersion v, String dataset) {
        return v.evaluations().stream()
                .filter(e -> dataset.equals(e.dataset()))
                .max(Comparator.comparing(EvaluationCompleted::timestamp));
    }

    private static Optional<String> liftOverRawPixels(EvaluationCompleted e) {
        Optional<Double> encoder = accuracy(e, "linear", ENCODER);
        Optional<Double> raw = accuracy(e, "linear", RAW_PIXELS);
        return encoder.isPresent() && raw.isPresent()
                ? Optional.of(String.format(Locale.ROOT, "%+.1f", 100 * (encoder.get() - raw.get())))
                : Optional.empty();
    }

    private static Optional<Double> accuracy(EvaluationCompleted e, String protocol, String featureSet) {
        return result(e, protocol, featureSet).map(ProtocolResult::accuracy);
    }

    private static Optional<ProtocolResult> result(EvaluationCompleted e, String protocol, String featureSet) {
        return e.results().stream()
                .filter(r -> protocol.equals(r.protocol()) && featureSet.equals(r.featureSet()))
                .findFirst();
    }

    private static Optional<String> cell(EvaluationCompleted e, String protocol, String featureSet) {
        return result(e, protocol, featureSet).map(EvaluationTable::format);
    }

    private static String format(ProtocolResult r) {
        return r.spread() > 0
                ? String.format(Locale.ROOT, "%.1f±%.1f", 100 * r.accuracy(), 100 * r.spread())
                : String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy());
    }
}
