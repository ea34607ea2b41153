package io.sslstream.trainer.optim;

/**
 * Learning rate by step: linear warm-up from {@code base / warmupSteps} to {@code base} over the first
 * {@code warmupSteps} updates, then a half cosine down to {@code finalFraction * base} at {@code totalSteps}, and
 * that floor after it. {@code totalSteps = 0} means an open-ended run (a stream has no last step): constant after
 * the warm-up. A pure function of the step, so a resumed run continues exactly where it stopped.
 *
 * @param base          peak learning rate
 * @param warmupSteps   updates of linear warm-up (0 = none)
 * @param totalSteps    update at which the cosine reaches its floor (0 = no decay)
 * @param finalFraction floor as a fraction of {@code base}
 */
public record Schedule(double base, long warmupSteps, long totalSteps, double finalFraction) {

    public Schedule {
        if (!(base > 0) || warmupSteps < 0 || totalSteps < 0 || finalFraction < 0 || finalFraction > 1) {
            throw new IllegalArgumentException("bad schedule: base " + base + ", warm-up " + warmupSteps + ", total " + totalSteps
                    + ", final fraction " + finalFraction);
        }
        if (totalSteps > 0 && warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warm-up (" + warmupSteps + " steps) is longer than the schedule (" + totalSteps + ")");
        }
    }

    /** A constant learning rate. */
    public static Schedule constant(double lr) {
        return new Schedule(lr, 0, 0, 1);
    }

    /** The learning rate of update number {@code step + 1} ({@code step} updates done before it). */
    public double at(long step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        if (totalSteps == 0) {
            return base;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        return base * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /**
     * A coefficient that rises from {@code start} to 1 along a half cosine over {@code totalSteps} (BYOL's and MoCo's
     * target momentum); constant {@code start} when {@code totalSteps = 0}.
     */
    public static double cosineToOne(double start, long step, long totalSteps) {
        if (totalSteps <= 0) {
            return start;
        }
        double progress = Math.min(1.0, (double) step / totalSteps);
        return 1 - (1 - start) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
