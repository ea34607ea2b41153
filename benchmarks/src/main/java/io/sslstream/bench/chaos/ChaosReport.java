package io.sslstream.bench.chaos;

import io.sslstream.bench.Report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code bench:chaos} section: the faults as injected, every reconciled count, the verdict. */
public final class ChaosReport {

    private ChaosReport() {
    }

    /** Processes that may restart only because a fault hit them: restarts beyond the injections are crashes of their own. */
    static Map<String, Integer> injectedPerProcess(ChaosRun.Result r) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        r.injections().stream().filter(ChaosRun.Injection::injected).forEach(i -> m.merge(i.fault().target, 1, Integer::sum));
        return m;
    }

    /** Restarts nobody caused: a process that crashed or failed its liveness check by itself. */
    static int unexpectedRestarts(ChaosRun.Result r) {
        Map<String, Integer> injected = injectedPerProcess(r);
        int n = 0;
        for (Map.Entry<String, Integer> e : r.restarts().entrySet()) {
            n += Math.max(0, e.getValue() - injected.getOrDefault(e.getKey(), 0));
        }
        return n;
    }

    /** True when nothing was lost or doubled, the trainer trained all but less than a batch, and nothing restarted by itself. */
    public static boolean clean(ChaosRun.Options o, ChaosRun.Result r) {
        Reconciliation.Counts c = r.counts();
        return c.samplesLost() == 0 && c.feedFailures() == 0 && c.viewsUntrained() >= 0 && c.viewsUntrained() < o.batch() && c.versionsDoubled() == 0 && c.eventsMissing() == 0 && c.eventsDoubled() == 0
                && c.evaluationsLost() == 0 && c.evaluationsDoubled() == 0 && c.evaluationEventsMissing() == 0
                && c.evaluationEventsDoubled() == 0 && c.blobMismatches() == 0 && c.nonFinite() == 0 && c.lineageBroken() == 0
                && c.checkpointDeadLetters() == 0 && unexpectedRestarts(r) == 0;
    }

    public static Report render(String command, ChaosRun.Options o, ChaosRun.Result r) {
        Reconciliation.Counts c = r.counts();
        Report report = new Report("Chaos: faults, restarts and reconciliation", command);
        report.paragraph("The local stack (`./stack`'s broker and four services, each restarted by its supervisor when it dies, "
                + "as Kubernetes would) trains SimCLR on a paced Fashion-MNIST stream (passes of " + o.images() + " new samples; "
                + "batch " + o.batch() + ", a checkpoint every " + o.checkpointEvery() + " steps; evaluation on " + o.evalTrain()
                + "/" + o.evalTest() + " labelled images) while one fault at a time hits it: " + o.perKind() + " of each kind in "
                + "a shuffled order, " + o.gap().toSeconds() + " s after the last process is back. Aimed faults use failpoints "
                + "(`ssl.failpoints`, a pause of " + o.pause().toMillis() + " ms at a named place) and strike when the process "
                + "logs that it reached it. Then the stream stops, the trainer drains and publishes its last checkpoint, the "
                + "evaluations finish, and the registry and every topic are read from the beginning. Wall time "
                + Math.round(r.wall().toMinutes()) + " min.");
        List<List<String>> kinds = new ArrayList<>();
        ChaosRun.byKind(r.injections()).forEach((fault, list) -> {
            List<Double> back = list.stream().filter(ChaosRun.Injection::injected).map(ChaosRun.Injection::secondsToBack).sorted().toList();
            long notBack = list.stream().filter(i -> i.note().startsWith("not back")).count();
            kinds.add(List.of("`" + fault.id() + "`", fault.target, fault.kill ? "SIGKILL" : "SIGTERM",
                    fault.failpoint == null ? "-" : "`" + fault.failpoint + "`",
                    Long.toString(back.size()), Long.toString(list.size() - back.size()), Long.toString(notBack),
                    back.isEmpty() ? "-" : Report.n0(back.get(back.size() / 2))));
        });
        report.table(List.of("fault", "process", "signal", "aimed at", "injected", "not reached", "not back in 5 min",
                "median s until back"), kinds);
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("raw samples fed (acknowledged by the broker)", c.fed(), "", ""));
        rows.add(row("feeder sends given up", c.feedFailures(), "", ""));
        rows.add(row("samples lost (fed, no view set, no dead letter)", c.samplesLost(), "of " + c.fed(), "0"));
        rows.add(row("view-set records / distinct samples in them", c.viewRecords(), c.viewSamples() + " samples",
                "repeats allowed (at-least-once)"));
        rows.add(List.of("dead letters in ssl.samples.dlq, by stage", c.rawDeadLetters().isEmpty() ? "0" : c.rawDeadLetters().toString(), "", ""));
        rows.add(row("registry versions", c.versions(), "", ""));
        rows.add(row("versions doubled (same run and step, or same weights)", c.versionsDoubled(), "of " + c.versions(), "0"));
        rows.add(row("ssl.checkpoints records", c.events(), "", ""));
        rows.add(row("versions without a checkpoint event", c.eventsMissing(), "of " + c.versions(), "0"));
        rows.add(row("versions with two distinct checkpoint events", c.eventsDoubled(), "of " + c.versions(), "0"));
        rows.add(row("versions without a stored evaluation", c.evaluationsLost(), "of " + c.versions(), "0"));
        rows.add(row("versions evaluated twice on one dataset", c.evaluationsDoubled(), "of " + c.versions(), "0"));
        rows.add(row("failed evaluations", c.evaluationsFailed(), "", ""));
        rows.add(row("versions without an ssl.evaluations event", c.evaluationEventsMissing(), "of " + c.versions(), "0"));
        rows.add(row("versions with two distinct ssl.evaluations events", c.evaluationEventsDoubled(), "of " + c.versions(), "0"));
        rows.add(row("checkpoint events dead-lettered (ssl.checkpoints.dlq)", c.checkpointDeadLetters(), "", "0"));
        rows.add(row("weights not matching their SHA-256", c.blobMismatches(), "of " + c.versions(), "0"));
        rows.add(row("non-finite versions", c.nonFinite(), "of " + c.versions(), "0"));
        rows.add(row("versions whose offsets do not add up to their samples seen", c.lineageBroken(), "of " + c.versions(), "0"));
        rows.add(row("views past the last checkpoint at the end", c.viewsUntrained(), "", "< " + o.batch() + " (a batch)"));
        rows.add(row("last checkpoint: step / samples seen", c.finalStep(), c.finalSamplesSeen() + " samples", ""));
        rows.add(List.of("restarts by the supervisor", r.restarts().toString(), "injected " + injectedPerProcess(r), ""));
        rows.add(row("restarts nobody caused (crashes, liveness kills)", unexpectedRestarts(r), "", "0"));
        report.table(List.of("count", "value", "out of", "goal"), rows);
        report.paragraph(clean(o, r) ? "**Verdict: nothing lost, nothing doubled, no process restarted by itself.**"
                : "**Verdict: NOT clean** (see the rows whose goal is 0).");
        return report;
    }

    private static List<String> row(String what, long value, String outOf, String goal) {
        return List.of(what, Report.n0(value), outOf, goal);
    }
}
