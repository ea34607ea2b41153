package io.sslstream.eval;

import ai.djl.Device;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
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
        data = LabelledDataset.load(LabelledDataset.FASHION_MNIST, TestCheckpoints.SUBSET, 60, 20);
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
