package io.sslstream.trainer;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/** View sets made in the test, independent of the augmenter: two-view pairs, and MAE's one view with a patch mask. */
public final class TestViews {

    private TestViews() {
    }

    /** The headers of a view record made from a sample of {@code dataset}. */
    public static Headers dataset(String dataset) {
        return new RecordHeaders().add(Topics.HEADER_DATASET, dataset.getBytes(StandardCharsets.UTF_8));
    }

    /** A cheap two-view pair for tests: a random shift of up to 3 pixels and a random flip, per view. */
    public static ViewSet twoViews(String id, byte[] img, SplittableRandom rnd) {
        return new ViewSet(id, "test", 1, 0, List.of(new View(28, 28, 1, jitter(img, rnd)), new View(28, 28, 1, jitter(img, rnd))), null);
    }

    /** One view and a random mask hiding {@code round(ratio * grid^2)} of the {@code grid x grid} patches of {@code patch} px. */
    public static ViewSet masked(String id, byte[] img, SplittableRandom rnd, int patch, int grid, double ratio) {
        int total = grid * grid;
        int hide = (int) Math.round(ratio * total);
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        for (int i = 0; i < hide; i++) {
            int j = i + rnd.nextInt(total - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[][] masked = new boolean[grid][grid];
        for (int i = 0; i < hide; i++) {
            masked[order[i] / grid][order[i] % grid] = true;
        }
        return new ViewSet(id, "mae", 1, 0, List.of(new View(28, 28, 1, jitter(img, rnd))), PatchMask.of(patch, masked));
    }

    static byte[] jitter(byte[] img, SplittableRandom rnd) {
        int dx = rnd.nextInt(7) - 3;
        int dy = rnd.nextInt(7) - 3;
        boolean flip = rnd.nextBoolean();
        byte[] out = new byte[784];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int sx = (flip ? 27 - x : x) + dx;
                int sy = y + dy;
                out[y * 28 + x] = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? img[sy * 28 + sx] : 0;
            }
        }
        return out;
    }
}
