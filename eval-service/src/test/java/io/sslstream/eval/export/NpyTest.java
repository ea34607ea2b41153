package io.sslstream.eval.export;

import io.sslstream.eval.protocol.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The files follow the .npy format 1.0 (numpy.lib.format): checked byte by byte here, read by NumPy in ./bench eval. */
class NpyTest {

    /** Parses a v1.0 file: header dict text and the data bytes. */
    record Parsed(String header, ByteBuffer data) {
    }

    static Parsed parse(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        assertThat(Arrays.copyOf(all, 6)).containsExactly(Npy.MAGIC);
        assertThat(all[6]).isEqualTo((byte) 1);
        assertThat(all[7]).isEqualTo((byte) 0);
        int len = ByteBuffer.wrap(all, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        assertThat((10 + len) % 64).as("data starts 64-byte aligned").isZero();
        String header = new String(all, 10, len, StandardCharsets.US_ASCII);
        assertThat(header).endsWith("\n");
        return new Parsed(header.strip(), ByteBuffer.wrap(all, 10 + len, all.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void writesFeaturesAndLabelsNumPyCanRead(@TempDir Path dir) throws IOException {
        FeatureMatrix train = FeatureMatrix.copyOf(new float[]{1.5f, -2f, 0f, 3.25f, Float.MIN_VALUE, 1e30f}, 3, 2);
        FeatureMatrix test = FeatureMatrix.copyOf(new float[]{7f, 8f}, 1, 2);
        Path folder = FeatureExport.write(dir, "team/model a", 12, train, new int[]{0, 9, 3}, test, new int[]{4});
        assertThat(folder.getFileName().toString()).isEqualTo("team_model_a-v12");

        Parsed x = parse(folder.resolve("train_x.npy"));
        assertThat(x.header()).isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }");
        assertThat(x.data().remaining()).isEqualTo(6 * 4);
        float[] values = new float[6];
        x.data().asFloatBuffer().get(values);
        assertThat(values).containsExactly(1.5f, -2f, 0f, 3.25f, Float.MIN_VALUE, 1e30f);

        Parsed y = parse(folder.resolve("train_y.npy"));
        assertThat(y.header()).isEqualTo("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }");
        assertThat(y.data().remaining()).isEqualTo(3 * 8);
        assertThat(new long[]{y.data().getLong(0), y.data().getLong(8), y.data().getLong(16)}).containsExactly(0, 9, 3);

        assertThat(parse(folder.resolve("test_x.npy")).header()).contains("'shape': (1, 2)");
        assertThat(parse(folder.resolve("test_y.npy")).data().getLong(0)).isEqualTo(4);
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train_x.npy", "train_y.npy",
                    "test_x.npy", "test_y.npy");
        }
    }
}
