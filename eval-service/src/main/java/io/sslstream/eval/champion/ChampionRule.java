package io.sslstream.eval.champion;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.eval.Evaluator;

import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * When the {@code champion} alias (or the evaluator's own, {@code ssl.eval.champion.alias}) moves: to a version whose succeeded evaluation scores more than {@code margin}
 * above the champion's on the deciding protocol (encoder features), on the same dataset id; or to the first
 * version evaluated when there is no champion. A champion without a succeeded evaluation of that protocol on this
 * dataset id (set by hand, or measured on another dataset or subset) cannot be compared and counts as absent: the
 * version measured here takes its place, and later versions are compared like for like. A failed evaluation never
 * moves the alias. Pure: the registry calls are {@link ChampionService}'s.
 */
public final class ChampionRule {

    /** Differences below this are float noise, not a lift (accuracies are counts over the test split). */
    static final double EPSILON = 1e-9;

    private ChampionRule() {
    }

    /**
     * @param move            whether the alias moves to the candidate
     * @param reason          why, in words, for the log
     * @param previousVersion the champion before, or null
     * @param previousAccuracy its accuracy on the protocol and dataset, or null when there is none to compare
     * @param accuracy        the candidate's accuracy (NaN for a failed evaluation)
     */
    public record Decision(boolean move, String reason, Integer previousVersion, Double previousAccuracy, double accuracy) {
    }

    /** The accuracy of an evaluation's encoder result for {@code protocol}, if it has one. */
    public static Optional<Double> accuracy(EvaluationCompleted e, String protocol) {
        return e.results().stream()
                .filter(r -> Evaluator.ENCODER.equals(r.featureSet()) && protocol.equals(r.protocol()))
                .map(ProtocolResult::accuracy)
                .findFirst();
    }

    /** The newest succeeded evaluation of {@code v} on {@code datasetId} that has a {@code protocol} result. */
    public static Optional<EvaluationCompleted> comparable(ModelVersion v, String datasetId, String protocol) {
        return v.evaluations().stream()
                .filter(e -> EvaluationCompleted.SUCCEEDED.equals(e.status()) && datasetId.equals(e.dataset()))
                .filter(e -> accuracy(e, protocol).isPresent())
                .max(Comparator.comparing(e -> e.timestamp() == null ? java.time.Instant.MIN : e.timestamp()));
    }

    /**
     * Decides whether {@code candidate} becomes champion.
     *
     * @param champion the version the alias points to now, with its evaluations, or empty
     * @param protocol the deciding protocol, e.g. {@code linear}
     * @param margin   the lift required, a fraction (0.002 = 0.2 points)
     */
    public static Decision decide(EvaluationCompleted candidate, Optional<ModelVersion> champion, String protocol, double margin) {
        Integer previous = champion.map(ModelVersion::version).orElse(null);
        if (!EvaluationCompleted.SUCCEEDED.equals(candidate.status())) {
            return new Decision(false, "v" + candidate.version() + "'s evaluation " + candidate.status(), previous, null, Double.NaN);
        }
        double accuracy = accuracy(candidate, protocol).orElseThrow(() -> new IllegalArgumentException(
                "the evaluation of v" + candidate.version() + " has no " + protocol + " result on the encoder"));
        if (champion.isEmpty()) {
            return new Decision(true, "no champion yet", null, null, accuracy);
        }
        ModelVersion c = champion.get();
        if (c.version() == candidate.version()) {
            return new Decision(false, "v" + c.version() + " is the champion already", previous,
                    comparable(c, candidate.dataset(), protocol).flatMap(e -> accuracy(e, protocol)).orElse(accuracy), accuracy);
        }
        Optional<Double> theirs = comparable(c, candidate.dataset(), protocol).flatMap(e -> accuracy(e, protocol));
        if (theirs.isEmpty()) {
            return new Decision(true, "champion v" + c.version() + " has no succeeded " + protocol + " evaluation on "
                    + candidate.dataset() + " to compare with (treated as no champion)", previous, null, accuracy);
        }
        double lift = accuracy - theirs.get();
        String numbers = String.format(Locale.ROOT, "%s %.4f against v%d's %.4f (%+.4f, margin %.4f)", protocol, accuracy,
                c.version(), theirs.get(), lift, margin);
        return lift > margin + EPSILON
                ? new Decision(true, "beats the champion: " + numbers, previous, theirs.get(), accuracy)
                : new Decision(false, "does not beat the champion by the margin: " + numbers, previous, theirs.get(), accuracy);
    }
}
