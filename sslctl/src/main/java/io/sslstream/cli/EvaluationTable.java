package io.sslstream.cli;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The table the local stack ends with: one row per checkpoint version, accuracies by protocol, baselines last. */
public final class EvaluationTable {

    /** Protocols shown, in column order. */
    static final List<String> PROTOCOLS = List.of("linear", "linear@10", "linear@100", "knn@20", "knn@200");

    private EvaluationTable() {
    }

    public static String render(String model, List<ModelVersion> versions) {
        List<ModelVersion> rows = new ArrayList<>(versions);
        rows.sort(Comparator.comparingInt(ModelVersion::version));
        StringBuilder sb = new StringBuilder();
        String header = String.format(Locale.ROOT, "%-8s %7s %9s %7s  %-10s", "version", "step", "samples", "loss", "eval");
        for (String p : PROTOCOLS) {
            header += String.format(Locale.ROOT, " %10s", p);
        }
        sb.append("model ").append(model).append('\n').append(header).append('\n').append("-".repeat(header.length())).append('\n');
        EvaluationCompleted baseline = null;
        for (ModelVersion v : rows) {
            Optional<EvaluationCompleted> ev = latest(v);
            String state = ev.map(EvaluationCompleted::status).orElse("pending");
            sb.append(String.format(Locale.ROOT, "%-8s %7d %9d %7s  %-10s", "v" + v.version(), v.step(), v.samplesSeen(),
                    v.loss() == null ? "-" : String.format(Locale.ROOT, "%.3f", v.loss()), state));
            for (String p : PROTOCOLS) {
                sb.append(String.format(Locale.ROOT, " %10s", ev.flatMap(e -> cell(e, p, "encoder")).orElse("-")));
            }
            sb.append('\n');
            if (ev.isPresent() && EvaluationCompleted.SUCCEEDED.equals(ev.get().status())) {
                baseline = ev.get();
            }
            if (ev.isPresent() && EvaluationCompleted.FAILED.equals(ev.get().status())) {
                sb.append("         failure: ").append(ev.get().failureReason()).append('\n');
            }
        }
        if (baseline != null) {
            for (String featureSet : List.of("raw-pixels", "random-init")) {
                EvaluationCompleted b = baseline;
                if (b.results().stream().noneMatch(r -> featureSet.equals(r.featureSet()))) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%-8s %7s %9s %7s  %-10s", "baseline", "", "", "", featureSet));
                for (String p : PROTOCOLS) {
                    sb.append(String.format(Locale.ROOT, " %10s", cell(b, p, featureSet).orElse("-")));
                }
                sb.append('\n');
            }
            sb.append("accuracy on the ").append(baseline.dataset()).append(" test split; linear@N: N labels per class, mean ± sd over seeds\n");
        }
        return sb.toString();
    }

    private static Optional<EvaluationCompleted> latest(ModelVersion v) {
        return v.evaluations().stream().max(Comparator.comparing(EvaluationCompleted::timestamp));
    }

    private static Optional<String> cell(EvaluationCompleted e, String protocol, String featureSet) {
        return e.results().stream()
                .filter(r -> protocol.equals(r.protocol()) && featureSet.equals(r.featureSet()))
                .findFirst()
                .map(EvaluationTable::format);
    }

    private static String format(ProtocolResult r) {
        return r.spread() > 0
                ? String.format(Locale.ROOT, "%.1f±%.1f", 100 * r.accuracy(), 100 * r.spread())
                : String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy());
    }
}
