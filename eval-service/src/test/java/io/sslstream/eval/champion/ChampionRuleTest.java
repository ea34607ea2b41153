package io.sslstream.eval.champion;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChampionRuleTest {

    static final String DATASET = "fashion-mnist@60000/10000";
    static final double MARGIN = 0.002;

    static EvaluationCompleted evaluation(int version, String dataset, String status, double linear, Instant at) {
        List<ProtocolResult> results = status.equals(EvaluationCompleted.SUCCEEDED) ? List.of(
                new ProtocolResult("linear", "raw-pixels", Map.of(), 0.99, 0, 1), // a baseline never decides
                new ProtocolResult("knn@20", "encoder", Map.of(), 0.5, 0, 1),
                new ProtocolResult("linear", "encoder", Map.of(), linear, 0, 1)) : List.of();
        return new EvaluationCompleted(1, UUID.randomUUID(), at, "m", version, "ab".repeat(32), dataset, status,
                status.equals(EvaluationCompleted.FAILED) ? "cannot load" : null, results, 10);
    }

    static EvaluationCompleted evaluation(int version, double linear) {
        return evaluation(version, DATASET, EvaluationCompleted.SUCCEEDED, linear, Instant.now());
    }

    static ModelVersion version(int version, EvaluationCompleted... evaluations) {
        return new ModelVersion("m", version, "run", "simclr", "small-cnn", 10, 100, null, "ab".repeat(32), 10, Instant.now(),
                List.of("champion"), Map.of(), null, List.of(evaluations));
    }

    @Test
    void theFirstSucceededVersionBecomesChampion() {
        ChampionRule.Decision d = ChampionRule.decide(evaluation(1, 0.8), Optional.empty(), "linear", MARGIN);
        assertThat(d.move()).isTrue();
        assertThat(d.previousVersion()).isNull();
        assertThat(d.accuracy()).isEqualTo(0.8);
        assertThat(d.reason()).isEqualTo("no champion yet");
    }

    @Test
    void aVersionMustBeatTheChampionByMoreThanTheMargin() {
        Optional<ModelVersion> champion = Optional.of(version(3, evaluation(3, 0.85)));
        ChampionRule.Decision equal = ChampionRule.decide(evaluation(4, 0.85), champion, "linear", MARGIN);
        ChampionRule.Decision atMargin = ChampionRule.decide(evaluation(5, 0.852), champion, "linear", MARGIN);
        ChampionRule.Decision above = ChampionRule.decide(evaluation(6, 0.8521), champion, "linear", MARGIN);
        ChampionRule.Decision worse = ChampionRule.decide(evaluation(7, 0.70), champion, "linear", MARGIN);
        assertThat(equal.move()).isFalse();
        assertThat(atMargin.move()).isFalse();
        assertThat(above.move()).isTrue();
        assertThat(above.previousVersion()).isEqualTo(3);
        assertThat(above.previousAccuracy()).isEqualTo(0.85);
        assertThat(above.reason()).startsWith("beats the champion: linear 0.8521 against v3's 0.8500 (+0.0021, margin 0.0020)");
        assertThat(worse.move()).isFalse();
        assertThat(worse.reason()).startsWith("does not beat the champion by the margin");
        // a margin of 0 still needs a strictly better number
        assertThat(ChampionRule.decide(evaluation(8, 0.85), champion, "linear", 0).move()).isFalse();
        assertThat(ChampionRule.decide(evaluation(8, 0.8501), champion, "linear", 0).move()).isTrue();
    }

    @Test
    void theDecidingProtocolIsConfigurable() {
        Optional<ModelVersion> champion = Optional.of(version(3, evaluation(3, 0.85)));
        // knn@20 is 0.5 for both: no move, although linear would
        assertThat(ChampionRule.decide(evaluation(4, 0.95), champion, "knn@20", MARGIN).move()).isFalse();
        assertThatThrownBy(() -> ChampionRule.decide(evaluation(4, 0.95), champion, "linear@100", MARGIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no linear@100 result on the encoder");
    }

    @Test
    void aFailedEvaluationNeverMovesTheAlias() {
        EvaluationCompleted failed = evaluation(9, DATASET, EvaluationCompleted.FAILED, 0, Instant.now());
        assertThat(ChampionRule.decide(failed, Optional.empty(), "linear", MARGIN).move()).isFalse();
        assertThat(ChampionRule.decide(failed, Optional.of(version(3, evaluation(3, 0.1))), "linear", MARGIN).move()).isFalse();
    }

    @Test
    void theChampionIsComparedOnTheSameDatasetIdOnly() {
        // the champion was measured on a subset and failed once on the full set: nothing to compare with here
        ModelVersion measuredElsewhere = version(3,
                evaluation(3, "fashion-mnist@4000/1000", EvaluationCompleted.SUCCEEDED, 0.99, Instant.now()),
                evaluation(3, DATASET, EvaluationCompleted.FAILED, 0, Instant.now()));
        ChampionRule.Decision d = ChampionRule.decide(evaluation(4, 0.7), Optional.of(measuredElsewhere), "linear", MARGIN);
        assertThat(d.move()).isTrue();
        assertThat(d.previousVersion()).isEqualTo(3);
        assertThat(d.previousAccuracy()).isNull();
        assertThat(d.reason()).contains("has no succeeded linear evaluation on " + DATASET).contains("treated as no champion");

        // with evaluations on both, the one on this dataset id counts, the newest if there are several
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        ModelVersion both = version(3,
                evaluation(3, DATASET, EvaluationCompleted.SUCCEEDED, 0.60, t),
                evaluation(3, "fashion-mnist@4000/1000", EvaluationCompleted.SUCCEEDED, 0.99, t.plusSeconds(20)),
                evaluation(3, DATASET, EvaluationCompleted.SUCCEEDED, 0.80, t.plusSeconds(10)));
        assertThat(ChampionRule.comparable(both, DATASET, "linear").flatMap(e -> ChampionRule.accuracy(e, "linear"))).contains(0.80);
        assertThat(ChampionRule.decide(evaluation(4, 0.81), Optional.of(both), "linear", MARGIN).move()).isTrue();
        assertThat(ChampionRule.decide(evaluation(4, 0.801), Optional.of(both), "linear", MARGIN).move()).isFalse();
    }

    @Test
    void theChampionItselfDoesNotMoveTheAlias() {
        ChampionRule.Decision d = ChampionRule.decide(evaluation(3, 0.9), Optional.of(version(3, evaluation(3, 0.9))), "linear", MARGIN);
        assertThat(d.move()).isFalse();
        assertThat(d.reason()).isEqualTo("v3 is the champion already");
    }
}
