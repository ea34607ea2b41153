package io.sslstream.trainer;

import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;

import java.util.List;
import java.util.SplittableRandom;

/** Two-view samples made in the test, independent of the augmenter. */
final class TestViews {

    private TestViews() {
    }

    /** A cheap two-view pair for tests: a random shift of up to 3 pixels and a random flip, per view. */
    static ViewSet twoViews(String id, byte[] img, SplittableRandom rnd) {
        return new ViewSet(id, "test", 1, 0, List.of(new View(28, 28, 1, jitter(img, rnd)), new View(28, 28, 1, jitter(img, rnd))), null);
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
