package io.sslstream.bench.trainer;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.contracts.events.Json;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.method.Methods;
import io.sslstream.trainer.optim.OptimizerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InitialWeightsTest {

    /**
     * What the peer loads with {@code --init-from}: BYOL's trained parameters in training order, each with its shape,
     * and their values one after the other; not the frozen target and not BatchNorm's running statistics.
     */
    @Test
    void theTrainedParametersAreWrittenInOrderWithTheirShapes(@TempDir Path dir) throws Exception {
        MethodSettings ms = Methods.named("byol").settings(Encoders.named("small-cnn"), SideBySide.INPUT, MethodConfig.of(Map.of()))
                .withTotalSteps(10);
        try (Learner learner = new Learner(new Learner.Settings(ms, OptimizerSettings.adamw(1e-3, 0), 8, 0), Device.cpu())) {
            PairList<String, Parameter> all = learner.method().trainableParameters();
            InitialWeights.write(all, dir, "byol");

            JsonNode doc = Json.MAPPER.readTree(InitialWeights.manifest(dir, "byol").toFile());
            JsonNode listed = doc.path("params");
            float[] values = floats(dir.resolve(doc.path("values").asText()));
            int i = 0;
            int offset = 0;
            for (Pair<String, Parameter> p : all) {
                if (!p.getValue().requiresGradient()) {
                    continue;
                }
                JsonNode entry = listed.get(i++);
                long[] shape = p.getValue().getArray().getShape().getShape();
                assertThat(entry.path("name").asText()).isEqualTo(p.getKey());
                assertThat(Json.MAPPER.convertValue(entry.path("shape"), long[].class)).containsExactly(shape);
                float[] expected = p.getValue().getArray().toFloatArray();
                assertThat(Arrays.copyOfRange(values, offset, offset + expected.length)).containsExactly(expected);
                offset += expected.length;
            }
            assertThat(i).isEqualTo(listed.size());
            assertThat(offset).isEqualTo(values.length);
            assertThat(listed.get(0).path("name").asText()).startsWith("encoder/");
            assertThat(listed.findValuesAsText("name")).noneMatch(n -> n.contains("target") || n.contains("running"))
                    .anyMatch(n -> n.startsWith("predictor/"));
        }
    }

    private static float[] floats(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }
}
