package io.sslstream.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.sslstream.model.Engines;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BatchNormFoldingTest {

    @Test
    void everyConvolutionAbsorbsTheBatchNormAfterIt(@TempDir Path dir) throws Exception {
        Path file = TestCheckpoints.smallCnnWithBatchStatistics(dir.resolve("bn.zip"), "m");
        try (NDManager m = Engines.pytorch().newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            Block enc = Encoders.create(Encoders.smallCnn());
            enc.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 28, 28));
            CheckpointArchive.loadParameters(file, CheckpointArchive.ENCODER, enc, m);

            Block folded = BatchNormFolding.fold(enc, m);
            assertThat(folded).isNotSameAs(enc).isInstanceOf(SequentialBlock.class);
            // 4 x (conv, BN, ReLU) + pool + flatten -> 4 x (conv, ReLU) + pool + flatten
            assertThat(enc.getChildren().size()).isEqualTo(14);
            assertThat(folded.getChildren().values()).hasSize(10).noneMatch(b -> b instanceof BatchNorm);
            assertThat(folded.getChildren().values()).filteredOn(b -> b instanceof Conv2d).hasSize(4)
                    .allSatisfy(c -> assertThat(((Conv2d) c).isIncludeBias()).isTrue());

            NDArray x = m.randomNormal(new Shape(8, 1, 28, 28));
            NDArray a = enc.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            NDArray b = folded.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertThat(a.getShape()).isEqualTo(new Shape(8, 128));
            float scale = a.abs().max().getFloat();
            assertThat(scale).isGreaterThan(0.01f);
            assertThat(a.sub(b).abs().max().getFloat()).isLessThan(1e-5f * Math.max(1, scale));
        }
    }

    /**
     * DJL offers no public way to read a BatchNorm's epsilon and axis (see {@link BatchNormFolding}): folding reads
     * DJL 0.36's private fields. If an upgrade renamed or retyped them, folding would silently stop; this says so.
     */
    @Test
    void djlBatchNormStillHasThePrivateFieldsFoldingReads() {
        BatchNorm bn = BatchNorm.builder().optEpsilon(1e-3f).optAxis(3).build(); // not DJL's defaults (1e-5, 1)
        assertThat(BatchNormFolding.settings(bn))
                .as("BatchNormFolding reads the private fields '%s' (float) and '%s' (int) of DJL's %s, written against "
                                + "DJL 0.36.0; this is DJL %s and they are not there as such any more, so no BatchNorm would be "
                                + "folded: look for a public getter or the new field names", BatchNormFolding.EPSILON_FIELD,
                        BatchNormFolding.AXIS_FIELD, BatchNorm.class.getName(), Engine.getDjlVersion())
                .contains(new BatchNormFolding.Settings(1e-3f, 3));
    }

    @Test
    void aBlockWithoutConvolutionAndBatchNormIsReturnedAsItIs() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block mlp = Encoders.mlp(java.util.List.of(8, 4));
            assertThat(BatchNormFolding.fold(mlp, m)).isSameAs(mlp);
        }
    }
}
