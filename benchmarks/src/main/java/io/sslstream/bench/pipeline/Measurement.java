package io.sslstream.bench.pipeline;

import io.sslstream.bench.Stats;

import java.util.ArrayList;
import java.util.List;

/**
 * What one configuration measured, computed over the readings after the warm-up (steady state).
 *
 * @param setup            the configuration
 * @param feedPerSecond    ingestion rate
 * @param warmupSeconds    readings before this time are the warm-up
 * @param points           all readings, in order
 * @param viewBytesStored  bytes of the view topic's log segments at the end
 */
record Measurement(PipelineRun.Setup setup, double feedPerSecond, long warmupSeconds, List<PipelineRun.Point> points,
                   long viewBytesStored) {

    /** Images per view set of the simclr recipe. */
    static final int VIEWS_PER_SET = 2;

    private PipelineRun.Point first() {
        return points.stream().filter(p -> p.seconds() >= warmupSeconds).findFirst()
                .orElseThrow(() -> new IllegalStateException("no reading after the warm-up"));
    }

    private PipelineRun.Point last() {
        return points.get(points.size() - 1);
    }

    private double seconds() {
        return last().seconds() - first().seconds();
    }

    double trainerImagesPerSecond() {
        return (last().trainerSamples() - first().trainerSamples()) / seconds();
    }

    double steps() {
        return last().steps() - first().steps();
    }

    /** Data wait over (data wait + step) of every step in the steady state. */
    double waitShareOverall() {
        double wait = last().waitSum() - first().waitSum();
        double step = last().stepSum() - first().stepSum();
        return wait / (wait + step);
    }

    /** The same share per reading interval (a few steps each), for its median and p95. */
    double[] waitSharePerInterval() {
        List<Double> shares = new ArrayList<>();
        List<PipelineRun.Point> steady = points.stream().filter(p -> p.seconds() >= warmupSeconds).toList();
        for (int i = 1; i < steady.size(); i++) {
            double wait = steady.get(i).waitSum() - steady.get(i - 1).waitSum();
            double step = steady.get(i).stepSum() - steady.get(i - 1).stepSum();
            if (wait + step > 0) {
                shares.add(wait / (wait + step));
            }
        }
        return shares.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double waitShareMedian() {
        double[] s = waitSharePerInterval();
        return s.length == 0 ? Double.NaN : Stats.median(s);
    }

    double waitShareP95() {
        double[] s = waitSharePerInterval();
        return s.length == 0 ? Double.NaN : Stats.percentile(s, 95);
    }

    /** Mean data wait and compute time per step in the steady state, ms. */
    double waitMsPerStep() {
        return 1e3 * (last().waitSum() - first().waitSum()) / (last().waitCount() - first().waitCount());
    }

    double stepMsPerStep() {
        return 1e3 * (last().stepSum() - first().stepSum()) / (last().stepCount() - first().stepCount());
    }

    double viewSetsPerSecond() {
        return (last().viewsOut() - first().viewsOut()) / seconds();
    }

    /** Cores the augmenter process used (CPU seconds per second). */
    double augmenterCores() {
        return (last().augmenterCpu() - first().augmenterCpu()) / seconds();
    }

    double trainerCores() {
        return (last().trainerCpu() - first().trainerCpu()) / seconds();
    }

    /**
     * Cores the trainer used outside its step thread and that thread's OpenMP workers: Kafka consumer, decoding,
     * prefetch, HTTP, GC, JIT.
     */
    double trainerOffStepCores() {
        return trainerCores() - (last().stepThreadsCpu() - first().stepThreadsCpu()) / seconds();
    }

    /** Views (images) per CPU-second of the augmenter process (its whole JVM: Kafka clients, decoding, encoding). */
    double viewsPerCpuSecond() {
        return VIEWS_PER_SET * (last().viewsOut() - first().viewsOut()) / (last().augmenterCpu() - first().augmenterCpu());
    }

    /** Stored bytes per view: the view topic's segments over the views they hold. */
    double bytesPerViewStored() {
        return (double) viewBytesStored / (VIEWS_PER_SET * (double) last().viewsEnd());
    }

    /** View sets produced but not yet trained on, at each reading. */
    long viewLag(PipelineRun.Point p) {
        return p.viewsEnd() - (long) p.trainerSamples();
    }

    /** Raw samples ingested but not yet augmented, at each reading. */
    long rawLag(PipelineRun.Point p) {
        return p.rawEnd() - (long) p.samplesIn();
    }
}
