package io.sslstream.bench;

import java.util.Arrays;

/** Order statistics for noisy timings: report medians and percentiles, not means. */
public final class Stats {

    private Stats() {
    }

    public static double median(double[] v) {
        return percentile(v, 50);
    }

    /** Nearest-rank percentile of a copy of {@code v}. */
    public static double percentile(double[] v, double p) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
