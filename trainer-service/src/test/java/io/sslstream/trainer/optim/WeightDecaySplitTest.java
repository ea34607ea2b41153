package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.model.Engines;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.method.Mae;
import io.sslstream.trainer.method.Method;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.method.Methods;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Weight decay (and LARS's trust ratio) reach exactly the weights of convolutions and linear layers of every method's
 * trained networks: no bias, no BatchNorm or LayerNorm scale or shift, no position embedding or mask token.
 */
class WeightDecaySplitTest {

    static final InputSpec INPUT = new InputSpec(1, 28, 28, List.of(0.286), List.of(0.353));

    @ParameterizedTest
    @ValueSource(strings = {"simclr", "moco", "byol", "simsiam", "barlow-twins", "vicreg", "mae"})
    void onlyConvolutionAndLinearWeightsDecay(String method) {
        Architecture arch = Mae.NAME.equals(method) ? Encoders.vit(7, 16, 1, 2)
                : new Architecture(Encoders.SMALL_CNN, Map.of("widths", List.of(8, 16), "strides", List.of(1, 2)));
        MethodSettings ms = Methods.named(method).settings(arch, INPUT, MethodConfig.of(Map.of("ssl.trainer.moco.queue-size", "16",
                "ssl.trainer.mae.decoder-dim", "16", "ssl.trainer.mae.decoder-depth", "1", "ssl.trainer.mae.decoder-heads", "2")));
        try (NDManager m = Engines.pytorch().newBaseManager(); Method meth = ms.create(m)) {
            List<String> decayed = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (Pair<String, Parameter> p : meth.trainableParameters()) {
                if (!p.getValue().requiresGradient()) {
                    continue; // running statistics: not optimised at all
                }
                (Optimizer.decays(p.getValue()) ? decayed : kept).add(p.getKey());
            }
            // DJL names: <entry>/<index><Block>_<param>; weights of Conv2d and Linear end in "weight"
            assertThat(decayed).isNotEmpty().allSatisfy(n -> assertThat(n).endsWith("weight").doesNotContainIgnoringCase("norm"));
            assertThat(kept).isNotEmpty().allSatisfy(n -> assertThat(n).doesNotEndWith("weight"));
            assertThat(kept).anySatisfy(n -> assertThat(n).endsWith("bias"));
            assertThat(kept).anySatisfy(n -> assertThat(n).endsWith("gamma"));
            assertThat(kept).anySatisfy(n -> assertThat(n).endsWith("beta"));
            if (Mae.NAME.equals(method)) {
                assertThat(kept).anySatisfy(n -> assertThat(n).contains("mask_token"));
            }
        }
    }
}
