package io.sslstream.eval.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The labelled subset of {@code linear@N}: {@code N} train rows of every class, drawn without replacement with a
 * fixed seed, so that a number reported as {@code linear@100, seed 1} can be reproduced exactly.
 */
public final class FewLabelSampler {

    private FewLabelSampler() {
    }

    /**
     * Draws {@code perClass} rows of each class present in {@code labels}, classes in ascending order from one
     * generator seeded with {@code seed}.
     *
     * @return the chosen row indices, ascending
     * @throws IllegalArgumentException when a class has fewer than {@code perClass} rows
     */
    public static int[] sample(int[] labels, int perClass, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("labels per class must be >= 1, got " + perClass);
        }
        int classes = 0;
        for (int y : labels) {
            if (y < 0) {
                throw new IllegalArgumentException("negative label " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] out = new int[0];
        int filled = 0;
        for (int c = 0; c < classes; c++) {
            List<Integer> rows = byClass.get(c);
            if (rows.isEmpty()) {
                continue;
            }
            if (rows.size() < perClass) {
                throw new IllegalArgumentException("class " + c + " has " + rows.size() + " train rows, fewer than "
                        + perClass + " labels per class");
            }
            int[] pool = rows.stream().mapToInt(Integer::intValue).toArray();
            // partial Fisher-Yates: the first perClass slots become a uniform sample without replacement
            for (int i = 0; i < perClass; i++) {
                int j = i + rnd.nextInt(pool.length - i);
                int tmp = pool[i];
                pool[i] = pool[j];
                pool[j] = tmp;
            }
            out = Arrays.copyOf(out, filled + perClass);
            System.arraycopy(pool, 0, out, filled, perClass);
            filled += perClass;
        }
        Arrays.sort(out);
        return out;
    }
}
