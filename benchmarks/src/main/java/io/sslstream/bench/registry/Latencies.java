package io.sslstream.bench.registry;

import io.sslstream.bench.Stats;

import java.util.Arrays;

/** Request latencies of one load-generator thread, in nanoseconds, without boxing. */
public final class Latencies {

    private long[] nanos = new long[1 << 14];
    private int count;
    private int errors;

    public void add(long n) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = n;
    }

    public void error() {
        errors++;
    }

    public int count() {
        return count;
    }

    public int errors() {
        return errors;
    }

    /** All threads' latencies in milliseconds. */
    public static double[] millis(Iterable<Latencies> all) {
        int n = 0;
        for (Latencies l : all) {
            n += l.count;
        }
        double[] out = new double[n];
        int i = 0;
        for (Latencies l : all) {
            for (int j = 0; j < l.count; j++) {
                out[i++] = l.nanos[j] / 1e6;
            }
        }
        return out;
    }

    /** p50, p99 and max of {@code ms}. */
    public static double[] summary(double[] ms) {
        return new double[]{Stats.percentile(ms, 50), Stats.percentile(ms, 99), Stats.percentile(ms, 100)};
    }
}
