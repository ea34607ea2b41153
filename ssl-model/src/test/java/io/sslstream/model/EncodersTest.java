package io.sslstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.model.encoder.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The ResNet-18 and ViT encoders: sizes, and what the evaluator relies on (rebuild from the manifest, exact reload). */
class EncodersTest {

    static final Shape ONE = new Shape(1, 1, 28, 28);

    static long count(Block b) {
        return b.getParameters().values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().getShape().size()).sum();
    }

    @Test
    void resnet18HasTheTextbookSizeAndKeepsTheResolutionInItsFirstStage() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block net = Encoders.create(Encoders.resnet18());
            net.initialize(m, DataType.FLOAT32, ONE);
            // torchvision's resnet18 on 3 channels has 11,689,512 parameters; without its 1000-way fc (513,000) and
            // with the small stem's 3x3 conv on 1 channel (576 instead of 7x7x3x64 = 9,408) it is 11,168,256
            assertThat(count(net)).isEqualTo(11_689_512L - 513_000L - 9_408L + 576L);
            assertThat(Encoders.featureDim(Encoders.resnet18())).isEqualTo(512);
            assertThat(net.getOutputShapes(new Shape[]{new Shape(3, 1, 28, 28)})[0]).isEqualTo(new Shape(3, 512));
            // the first stage works on 28x28: its first conv weight is 64x64x3x3, with no stride-2 before it
            assertThat(net.getParameters().valueAt(0).getArray().getShape()).isEqualTo(new Shape(64, 1, 3, 3));
        }
    }

    @Test
    void vitTinyHasItsSizeAndItsPartsComposeToTheForwardPass() {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            VisionTransformer vit = (VisionTransformer) Encoders.create(Encoders.vitTiny());
            vit.initialize(m, DataType.FLOAT32, ONE);
            assertThat(vit.tokens()).isEqualTo(49);
            // per layer 12 D^2 + 13 D (qkv, proj, fc1, fc2 with biases; two LayerNorms), patch embedding 16 D + D, final norm 2 D
            long d = 192;
            assertThat(count(vit)).isEqualTo(6 * (12 * d * d + 13 * d) + 17 * d + 2 * d);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
            NDArray direct = vit.forward(ps, new NDList(x), false).singletonOrThrow(); // (2, 192)
            NDArray composed = vit.encode(ps, vit.embed(ps, x, false), false).mean(new int[]{1});
            assertThat(direct.getShape()).isEqualTo(new Shape(2, 192));
            assertThat(direct.sub(composed).abs().max().getFloat()).isLessThan(1e-6f);
        }
    }

    @Test
    void positionEmbeddingsAreTheSineCosineFormula() {
        float[] e = VisionTransformer.sinCos(2, 3, 8); // quarter = 2, w = (1, 0.01)
        int token = 1 * 3 + 2; // row 1, column 2
        assertThat((double) e[token * 8]).isCloseTo(Math.sin(1), within(1e-6));
        assertThat((double) e[token * 8 + 1]).isCloseTo(Math.sin(0.01), within(1e-6));
        assertThat((double) e[token * 8 + 2]).isCloseTo(Math.cos(1), within(1e-6));
        assertThat((double) e[token * 8 + 5]).isCloseTo(Math.sin(0.02), within(1e-6));
        assertThat((double) e[token * 8 + 6]).isCloseTo(Math.cos(2), within(1e-6));
        assertThatThrownBy(() -> new VisionTransformer(4, 30, 1, 3, 4)).hasMessageContaining("multiple of 4");
    }

    @Test
    void everyEncoderIsRebuiltFromItsManifestAndReloadsExactly(@TempDir Path dir) throws IOException {
        FashionMnist.Split images = FashionMnist.read(EncoderCheckpointTest.SUBSET, "train", 12);
        for (Architecture arch : List.of(Encoders.resnet(List.of(8, 16), List.of(1, 1)), Encoders.vit(7, 16, 2, 2),
                Encoders.resnet18(), Encoders.vitTiny())) {
            Path archive = dir.resolve(arch.name() + ".zip");
            CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, "m", "run", "simclr", arch,
                    EncoderCheckpointTest.FMNIST, 1, 1, 1, "h", Map.of(), Map.of(), Map.of(), Map.of());
            float[][] before;
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                Block enc = Encoders.create(arch);
                enc.initialize(m, DataType.FLOAT32, ONE);
                before = new FeatureExtractor(enc, EncoderCheckpointTest.FMNIST, m, 5).extract(i -> images.images().item(i), 12);
                CheckpointArchive.write(archive, manifest, Map.of(CheckpointArchive.ENCODER, enc), Map.of());
            }
            assertThat(before[0]).as(arch.name()).hasSize(Encoders.featureDim(arch));
            assertThat(before[0]).as(arch.name()).isNotEqualTo(before[1]);
            try (NDManager m = Engines.pytorch().newBaseManager()) {
                CheckpointManifest read = CheckpointArchive.readManifest(archive);
                Block enc = Encoders.create(read.architecture());
                enc.initialize(m, DataType.FLOAT32, ONE);
                CheckpointArchive.loadParameters(archive, CheckpointArchive.ENCODER, enc, m);
                float[][] after = new FeatureExtractor(enc, read.input(), m, 7).extract(i -> images.images().item(i), 12);
                assertThat(after).as(arch.name()).isDeepEqualTo(before);
            }
        }
    }

    @Test
    void configurationNamesMapToArchitectures() {
        assertThat(Encoders.named("resnet18")).isEqualTo(Encoders.resnet18());
        assertThat(Encoders.named("vit-tiny").name()).isEqualTo("vit-tiny");
        assertThatThrownBy(() -> Encoders.named("vgg")).hasMessageContaining("known: small-cnn, resnet18, vit-tiny");
    }
}
