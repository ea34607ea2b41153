package io.sslstream.eval;

import io.sslstream.eval.dataset.DatasetSpec;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.dataset.TestFolders;
import io.sslstream.eval.protocol.ProtocolSpec;
import io.sslstream.eval.protocol.ProtocolSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up checks of the evaluator that need no application: protocols the dataset cannot serve are refused. */
class EvaluatorTest {

    @Test
    void protocolsASmallDatasetCannotServeAreRefusedAtStartUp(@TempDir Path tmp) throws IOException {
        // 3 classes of 12 train images each
        LabelledDataset small = LabelledDataset.load(DatasetSpec.folder(TestFolders.write(tmp.resolve("shop"), 12, 2, false),
                Optional.empty(), Optional.empty(), 1000, 1000));
        assertThatCode(() -> Evaluator.checkProtocolsFit(ProtocolSpec.parseAll(List.of("linear", "linear@10", "knn@20")), small))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Evaluator.checkProtocolsFit(ProtocolSpec.parseAll(List.of("linear", "linear@100")), small))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linear@100 needs 100 train images of every class, class 'bag' of shop@36/6 has 12 "
                        + "(see ssl.eval.protocols and ssl.eval.dataset.max-train)");
        assertThatThrownBy(() -> Evaluator.checkProtocolsFit(ProtocolSpec.parseAll(List.of("knn@200")), small))
                .hasMessage("knn@200 needs at least 200 train images, shop@36/6 has 36");
    }

    @Test
    void aFewLabelProtocolWithFewerLabelsThanFoldsIsRefusedAtStartUp() {
        ProtocolSuite.Settings d = ProtocolSuite.Settings.defaults();
        assertThatCode(() -> Evaluator.checkFolds(ProtocolSpec.parseAll(List.of("linear", "linear@5", "knn@20")), d))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Evaluator.checkFolds(ProtocolSpec.parseAll(List.of("linear@4")), d))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linear@4 has fewer labels per class than ssl.eval.few-label.folds (5), which choose its weight decay: "
                        + "lower the folds or give a single ssl.eval.few-label.weight-decays value");
        ProtocolSuite.Settings fixed = new ProtocolSuite.Settings(d.weightDecay(), d.lbfgs(), d.fewLabelSeeds(), List.of(1e-2), 5,
                d.knnChunkRows(), d.device(), d.minStd());
        assertThatCode(() -> Evaluator.checkFolds(ProtocolSpec.parseAll(List.of("linear@1")), fixed)).doesNotThrowAnyException();
    }
}
