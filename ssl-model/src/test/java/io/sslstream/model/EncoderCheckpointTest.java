package io.sslstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncoderCheckpointTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    static final InputSpec FMNIST = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));

    static CheckpointManifest manifest() {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, "m", "run", "simclr", Encoders.smallCnn(), FMNIST,
                10, 2560, 1, "hash", Map.of("lr", 1e-3), Map.of("loss", 4.2), Map.of("ssl.views.simclr/0", 2560L), Map.of());
    }

    @Test
    void imageBatchNormalisesIntoNchw() {
        InputSpec rgb = new InputSpec(3, 1, 2, List.of(0.5, 0.0, 0.0), List.of(0.5, 1.0, 1.0));
        ImageBatch batch = new ImageBatch(rgb, 2);
        // two pixels, HWC: (255, 0, 51), (0, 255, 102)
        batch.add(new byte[]{(byte) 255, 0, 51, 0, (byte) 255, 102});
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray x = batch.toNDArray(m);
            assertThat(x.getShape()).isEqualTo(new Shape(1, 3, 1, 2));
            assertThat(x.toFloatArray()).containsExactly(new float[]{1f, -1f, 0f, 1f, 0.2f, 0.4f}, org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThatThrownBy(() -> batch.add(new byte[5])).hasMessageContaining("does not match the batch's input 1x2x3");
    }

    @Test
    void encoderFeaturesSurviveACheckpointRoundTripExactly(@TempDir Path dir) throws IOException {
        FashionMnist.Split images = FashionMnist.read(SUBSET, "train", 40);
        Path archive = dir.resolve("ckpt.zip");
        float[][] before;
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block enc = Encoders.create(Encoders.smallCnn());
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            before = new FeatureExtractor(enc, FMNIST, m, 16).extract(i -> images.images().item(i), 40);
            CheckpointArchive.write(archive, manifest(), Map.of(CheckpointArchive.ENCODER, enc), Map.of("extra.bin", new byte[]{1, 2}));
        }
        assertThat(before).hasNumberOfRows(40);
        assertThat(before[0]).hasSize(Encoders.featureDim(Encoders.smallCnn()));
        assertThat(before[0]).isNotEqualTo(before[1]);
        assertThat(CheckpointArchive.entries(archive)).containsKeys("manifest.json", "encoder.params", "extra.bin");
        assertThat(CheckpointArchive.readManifest(archive)).isEqualTo(manifest());

        try (NDManager m = Engines.pytorch().newBaseManager()) {
            CheckpointManifest read = CheckpointArchive.readManifest(archive);
            Block enc = Encoders.create(read.architecture());
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            CheckpointArchive.loadParameters(archive, CheckpointArchive.ENCODER, enc, m);
            float[][] after = new FeatureExtractor(enc, read.input(), m, 7).extract(i -> images.images().item(i), 40);
            assertThat(after).isDeepEqualTo(before);
        }
    }

    @Test
    void parametersOfAnotherWidthAreRefused(@TempDir Path dir) throws IOException {
        Path archive = dir.resolve("wide.zip");
        CheckpointManifest.Architecture wide = new CheckpointManifest.Architecture(Encoders.SMALL_CNN,
                Map.of("widths", List.of(8, 16), "strides", List.of(1, 2)));
        CheckpointManifest.Architecture narrow = new CheckpointManifest.Architecture(Encoders.SMALL_CNN,
                Map.of("widths", List.of(8, 8), "strides", List.of(1, 2)));
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block enc = Encoders.create(wide);
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            CheckpointArchive.write(archive, manifest(), Map.of(CheckpointArchive.ENCODER, enc), Map.of());
            Block other = Encoders.create(narrow);
            other.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            assertThatThrownBy(() -> CheckpointArchive.loadParameters(archive, CheckpointArchive.ENCODER, other, m))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("has shape (16, 8, 3, 3), the architecture declares (8, 8, 3, 3)");
        }
    }

    @Test
    void aCorruptArchiveIsExplained(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.zip");
        Files.writeString(junk, "not a zip");
        assertThatThrownBy(() -> CheckpointArchive.readManifest(junk)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a readable checkpoint archive");
        assertThatThrownBy(() -> Encoders.create(new CheckpointManifest.Architecture("vgg", Map.of())))
                .hasMessageContaining("unknown encoder architecture 'vgg'");
    }
}
