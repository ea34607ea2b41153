package io.sslstream.bench.trainer;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.sslstream.contracts.events.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our side's initial trained weights, written for the peer to start from ({@code parity_peer.py --init-from}), so that a
 * parity run can compare the two trainings from the same point: with the same weights and the same views, the two
 * losses of the first steps must agree to float rounding, whatever the random generators.
 *
 * <p>Two files per method: {@code init-<method>.json} lists the parameters in training order ({@code name},
 * {@code shape}), {@code init-<method>.f32} holds their values, little-endian float32, one after the other. Only the
 * parameters the optimizer trains are written (BatchNorm's running statistics start at 0 and 1 on both sides); the
 * peer matches them to its own trained parameters by position and refuses any shape that differs.
 */
final class InitialWeights {

    private InitialWeights() {
    }

    static Path manifest(Path dir, String method) {
        return dir.resolve("init-" + method + ".json");
    }

    static void write(PairList<String, Parameter> parameters, Path dir, String method) throws IOException {
        Files.createDirectories(dir);
        Path values = dir.resolve("init-" + method + ".f32");
        List<Map<String, Object>> listed = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(values)) {
            for (Pair<String, Parameter> p : parameters) {
                if (!p.getValue().requiresGradient()) {
                    continue;
                }
                float[] v = p.getValue().getArray().toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", p.getKey());
                entry.put("shape", p.getValue().getArray().getShape().getShape());
                listed.add(entry);
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("values", values.getFileName().toString());
        doc.put("params", listed);
        Files.write(manifest(dir, method), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
        System.out.printf("  ours %s: %d initial parameter arrays written to %s for the peer%n", method, listed.size(), manifest(dir, method));
    }
}
