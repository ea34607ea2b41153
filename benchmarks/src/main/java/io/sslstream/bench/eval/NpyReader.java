package io.sslstream.bench.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the float32 matrices the evaluator exports ({@code .npy} 1.0, {@code <f4}, C order). */
public final class NpyReader {

    private static final Pattern SHAPE = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)");

    private NpyReader() {
    }

    /**
     * @param rows  filled with the row count
     * @return the values, row-major
     */
    public static float[] floats(Path file, int[] rows, int[] cols) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int len = ByteBuffer.wrap(all, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        String header = new String(all, 10, len, StandardCharsets.US_ASCII);
        Matcher m = SHAPE.matcher(header);
        if (!header.contains("'<f4'") || !m.find()) {
            throw new IOException(file + ": not a float32 matrix: " + header.strip());
        }
        rows[0] = Integer.parseInt(m.group(1));
        cols[0] = Integer.parseInt(m.group(2));
        float[] out = new float[rows[0] * cols[0]];
        ByteBuffer.wrap(all, 10 + len, all.length - 10 - len).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
