package io.sslstream.eval;

import ai.djl.Device;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.model.encoder.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncoderFeaturesTest {

    static final Architecture TINY = new Architecture(Encoders.SMALL_CNN, Map.of("widths", List.of(4, 8), "strides", List.of(2, 2)));
    static LabelledDataset data;

    @BeforeAll
    static void load() throws IOException {
        data = LabelledDataset.fashionMnist(TestCheckpoints.SUBSET, 60, 20);
    }

    @Test
    void rebuildsTheEncoderAndExtractsFeaturesOfBothSplits(@TempDir Path dir) throws IOException {
        Path file = TestCheckpoints.write(dir.resolve("ok.zip"), "m", TINY, TINY, TestCheckpoints.FMNIST);
        try (EncoderFeatures enc = EncoderFeatures.load(file, data, Device.cpu())) {
            assertThat(enc.manifest().architecture()).isEqualTo(TINY);
            EncoderFeatures.Features f = enc.extract(data, 16);
            assertThat(f.train().rows()).isEqualTo(60);
            assertThat(f.test().rows()).isEqualTo(20);
            assertThat(f.train().cols()).isEqualTo(8).isEqualTo(Encoders.featureDim(TINY));
            assertThat(f.train().nonFiniteCount()).isZero();
        }
    }

    @Test
    void channelsLastInputGivesTheSameFeaturesAsNchw(@TempDir Path dir) throws IOException {
        Path file = TestCheckpoints.smallCnn(dir.resolve("cnn.zip"), "m");
        try (EncoderFeatures enc = EncoderFeatures.load(file, data, Device.cpu())) {
            EncoderFeatures.Features nchw = enc.extract(data, 16, false, false);
            EncoderFeatures.Features last = enc.extract(data, 16, true, false);
            assertThat(maxAbsDiff(nchw.train(), last.train())).isLessThan(1e-4);
            assertThat(maxAbsDiff(nchw.test(), last.test())).isLessThan(1e-4);
            assertThat(maxAbs(nchw.train())).as("features are not all zero").isGreaterThan(1e-3);
        }
    }

    @Test
    void foldedBatchNormGivesTheSameFeatures(@TempDir Path dir) throws IOException {
        Path file = TestCheckpoints.smallCnnWithBatchStatistics(dir.resolve("bn.zip"), "m");
        try (EncoderFeatures enc = EncoderFeatures.load(file, data, Device.cpu())) {
            EncoderFeatures.Features plain = enc.extract(data, 16, false, false);
            EncoderFeatures.Features fast = enc.extract(data, 16, true, true);
            assertThat(maxAbs(plain.train())).isGreaterThan(1e-2);
            assertThat(maxAbsDiff(plain.train(), fast.train())).isLessThan(1e-4 * Math.max(1, maxAbs(plain.train())));
            assertThat(maxAbsDiff(plain.test(), fast.test())).isLessThan(1e-4 * Math.max(1, maxAbs(plain.test())));
        }
    }

    @Test
    void aRandomInitEncoderIsAFunctionOfItsSeed() {
        CheckpointManifest manifest = TestCheckpoints.manifest("m", TINY, TestCheckpoints.FMNIST);
        EncoderFeatures.Features a;
        EncoderFeatures.Features b;
        EncoderFeatures.Features c;
        try (EncoderFeatures e = EncoderFeatures.randomInit(manifest, data, Device.cpu(), 11)) {
            assertThat(e.manifest()).isSameAs(manifest);
            a = e.extract(data, 16);
        }
        try (EncoderFeatures e = EncoderFeatures.randomInit(manifest, data, Device.cpu(), 12)) {
            c = e.extract(data, 16);
        }
        try (EncoderFeatures e = EncoderFeatures.randomInit(manifest, data, Device.cpu(), 11)) {
            b = e.extract(data, 16);
        }
        assertThat(a.train().cols()).isEqualTo(Encoders.featureDim(TINY));
        assertThat(maxAbsDiff(a.train(), b.train())).isZero();
        assertThat(maxAbsDiff(a.test(), b.test())).isZero();
        assertThat(maxAbsDiff(a.train(), c.train())).isGreaterThan(1e-3);
    }

    @Test
    void aRandomInitEncoderIsRefusedForAnotherInputShape() {
        InputSpec rgb = new InputSpec(3, 32, 32, List.of(0.5, 0.5, 0.5), List.of(0.2, 0.2, 0.2));
        assertThatThrownBy(() -> EncoderFeatures.randomInit(TestCheckpoints.manifest("m", TINY, rgb), data, Device.cpu(), 0))
                .isInstanceOf(EvaluationFailure.class)
                .hasMessage("the checkpoint's encoder takes 3x32x32 images, dataset fashion-mnist has 1x28x28");
    }

    static double maxAbsDiff(FeatureMatrix a, FeatureMatrix b) {
        assertThat(a.rows()).isEqualTo(b.rows());
        assertThat(a.cols()).isEqualTo(b.cols());
        double m = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                m = Math.max(m, Math.abs(a.get(i, j) - b.get(i, j)));
            }
        }
        return m;
    }

    static double maxAbs(FeatureMatrix a) {
        double m = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                m = Math.max(m, Math.abs(a.get(i, j)));
            }
        }
        return m;
    }

    @Test
    void parametersOfAnotherShapeAreALoadFailure(@TempDir Path dir) throws IOException {
        Architecture wider = new Architecture(Encoders.SMALL_CNN, Map.of("widths", List.of(4, 16), "strides", List.of(2, 2)));
        Path file = TestCheckpoints.write(dir.resolve("mismatch.zip"), "m", wider, TINY, TestCheckpoints.FMNIST);
        assertThatThrownBy(() -> EncoderFeatures.load(file, data, Device.cpu()))
                .isInstanceOf(EvaluationFailure.class)
                .hasMessageStartingWith("cannot load encoder.params into architecture small-cnn")
                .hasMessageContaining("has shape (16, 4, 3, 3), the architecture declares (8, 4, 3, 3)");
    }

    @Test
    void anUnknownArchitectureIsNamed(@TempDir Path dir) throws IOException {
        Path file = TestCheckpoints.write(dir.resolve("vgg.zip"), "m", TINY, new Architecture("vgg", Map.of()), TestCheckpoints.FMNIST);
        assertThatThrownBy(() -> EncoderFeatures.load(file, data, Device.cpu()))
                .isInstanceOf(EvaluationFailure.class)
                .hasMessageContaining("cannot build the encoder: unknown encoder architecture 'vgg'");
    }

    @Test
    void anInputShapeOtherThanTheDatasetsIsRefused(@TempDir Path dir) throws IOException {
        InputSpec rgb = new InputSpec(3, 32, 32, List.of(0.5, 0.5, 0.5), List.of(0.2, 0.2, 0.2));
        Path file = TestCheckpoints.write(dir.resolve("rgb.zip"), "m", TINY, TINY, rgb);
        assertThatThrownBy(() -> EncoderFeatures.load(file, data, Device.cpu()))
                .isInstanceOf(EvaluationFailure.class)
                .hasMessage("the checkpoint's encoder takes 3x32x32 images, dataset fashion-mnist has 1x28x28");
    }

    @Test
    void aFileThatIsNoArchiveIsExplained(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        assertThatThrownBy(() -> EncoderFeatures.load(junk, data, Device.cpu()))
                .isInstanceOf(EvaluationFailure.class)
                .hasMessageContaining("cannot read the checkpoint archive")
                .hasMessageContaining("not a readable checkpoint archive");
    }
}
