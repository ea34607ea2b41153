package io.sslstream.eval.protocol;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Full-batch L-BFGS with a strong-Wolfe line search, a line-by-line port of {@code torch.optim.LBFGS}
 * ({@code line_search_fn="strong_wolfe"}, cubic interpolation in bracketing and zoom), so that our linear probe
 * takes the same path as the PyTorch peer's ({@code benchmarks/peer/probe_features.py}). Parameters and history are
 * doubles; only the objective decides the precision of values and gradients.
 *
 * <p>Stopping rules, as in PyTorch: largest absolute gradient component {@code <= toleranceGrad}; largest absolute
 * step component or change of the value {@code < toleranceChange}; a non-descent direction; or the iteration
 * ({@code maxIterations}) or evaluation ({@code maxEvaluations}) budget spent.
 */
public final class Lbfgs {

    // line search constants of torch.optim.lbfgs._strong_wolfe
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final double LINE_SEARCH_TOLERANCE_CHANGE = 1e-9;
    private static final int MAX_LINE_SEARCH = 25;
    private static final double CURVATURE_EPS = 1e-10;

    /**
     * @param maxIterations   outer iterations ({@code max_iter})
     * @param maxEvaluations  function evaluations, line searches included ({@code max_eval}, PyTorch's default is 1.25 x)
     * @param history         correction pairs kept ({@code history_size})
     * @param toleranceGrad   stop when the largest absolute gradient component is at most this
     * @param toleranceChange stop when the step or the change of the value is below this
     * @param learningRate    initial step length of each line search ({@code lr})
     */
    public record Options(int maxIterations, int maxEvaluations, int history, double toleranceGrad,
                          double toleranceChange, double learningRate) {
        public Options {
            if (maxIterations < 1 || maxEvaluations < 1 || history < 1) {
                throw new IllegalArgumentException("maxIterations, maxEvaluations and history must be >= 1, got "
                        + maxIterations + ", " + maxEvaluations + ", " + history);
            }
            if (!(toleranceGrad >= 0) || !(toleranceChange >= 0) || !(learningRate > 0)) {
                throw new IllegalArgumentException("tolerances must be >= 0 and the learning rate > 0, got "
                        + toleranceGrad + ", " + toleranceChange + ", " + learningRate);
            }
        }

        /** The peer's settings: 300 iterations (375 evaluations), history 20, tolerances 1e-7 and 1e-10, lr 1. */
        public static Options defaults() {
            return of(300, 20, 1e-7, 1e-10);
        }

        /** PyTorch's defaults for what is not given: {@code maxEvaluations = maxIterations * 5 / 4}, lr 1. */
        public static Options of(int maxIterations, int history, double toleranceGrad, double toleranceChange) {
            return new Options(maxIterations, Math.max(1, maxIterations * 5 / 4), history, toleranceGrad, toleranceChange, 1.0);
        }
    }

    /** Why the optimiser stopped. */
    public enum Stop {
        GRADIENT, STEP, VALUE_CHANGE, NOT_DESCENT, MAX_ITERATIONS, MAX_EVALUATIONS;

        /** Lower-case name for results, e.g. {@code max-iterations}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param x           the parameters found
     * @param value       the objective there
     * @param iterations  outer iterations run
     * @param evaluations objective evaluations
     * @param stop        why it stopped
     */
    public record Result(double[] x, double value, int iterations, int evaluations, Stop stop) {
        public Result {
            x = x.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }
    }

    private final Options options;

    public Lbfgs(Options options) {
        this.options = options;
    }

    /** Minimises {@code f} from {@code x0} (not modified). */
    public Result minimize(DifferentiableFunction f, double[] x0) {
        int n = x0.length;
        double[] x = x0.clone();
        double[] g = new double[n];
        double loss = f.evaluate(x, g);
        int evaluations = 1;
        if (!Double.isFinite(loss)) {
            throw new IllegalArgumentException("objective is not finite at the starting point: " + loss);
        }
        if (maxAbs(g) <= options.toleranceGrad()) {
            return new Result(x, loss, 0, evaluations, Stop.GRADIENT);
        }
        Deque<double[]> oldDirs = new ArrayDeque<>(); // y_i = g_{i+1} - g_i
        Deque<double[]> oldSteps = new ArrayDeque<>(); // s_i = t_i d_i
        Deque<Double> ro = new ArrayDeque<>(); // 1 / (y_i . s_i)
        double hDiag = 1;
        double[] d = null;
        double t = 0;
        double[] prevG = new double[n];
        int iteration = 0;
        Stop stop = Stop.MAX_ITERATIONS;
        while (iteration < options.maxIterations()) {
            iteration++;
            if (iteration == 1) {
                d = scaled(g, -1);
            } else {
                double[] y = new double[n];
                double[] s = new double[n];
                for (int i = 0; i < n; i++) {
                    y[i] = g[i] - prevG[i];
                    s[i] = d[i] * t;
                }
                double ys = dot(y, s);
                if (ys > CURVATURE_EPS) {
                    if (oldDirs.size() == options.history()) {
                        oldDirs.removeFirst();
                        oldSteps.removeFirst();
                        ro.removeFirst();
                    }
                    oldDirs.addLast(y);
                    oldSteps.addLast(s);
                    ro.addLast(1.0 / ys);
                    hDiag = ys / dot(y, y);
                }
                d = twoLoop(g, oldDirs, oldSteps, ro, hDiag);
            }
            System.arraycopy(g, 0, prevG, 0, n);
            double prevLoss = loss;
            t = iteration == 1 ? Math.min(1.0, 1.0 / sumAbs(g)) * options.learningRate() : options.learningRate();
            double gtd = dot(g, d);
            if (gtd > -options.toleranceChange()) {
                stop = Stop.NOT_DESCENT;
                break;
            }
            LineSearch ls = strongWolfe(f, x, t, d, loss, g, gtd);
            loss = ls.f;
            g = ls.g;
            t = ls.t;
            evaluations += ls.evaluations;
            for (int i = 0; i < n; i++) {
                x[i] += t * d[i];
            }
            boolean gradientSmall = maxAbs(g) <= options.toleranceGrad();
            if (iteration == options.maxIterations()) {
                stop = Stop.MAX_ITERATIONS;
                break;
            }
            if (evaluations >= options.maxEvaluations()) {
                stop = Stop.MAX_EVALUATIONS;
                break;
            }
            if (gradientSmall) {
                stop = Stop.GRADIENT;
                break;
            }
            if (maxAbs(d) * Math.abs(t) <= options.toleranceChange()) {
                stop = Stop.STEP;
                break;
            }
            if (Math.abs(loss - prevLoss) < options.toleranceChange()) {
                stop = Stop.VALUE_CHANGE;
                break;
            }
        }
        return new Result(x, loss, iteration, evaluations, stop);
    }

    /** The two-loop recursion: {@code -H g} with the stored pairs and {@code hDiag} as the initial inverse Hessian. */
    private static double[] twoLoop(double[] g, Deque<double[]> dirs, Deque<double[]> steps, Deque<Double> ro, double hDiag) {
        int m = dirs.size();
        double[][] y = dirs.toArray(new double[0][]);
        double[][] s = steps.toArray(new double[0][]);
        double[] r0 = new double[m];
        Iterator<Double> it = ro.iterator();
        for (int i = 0; i < m; i++) {
            r0[i] = it.next();
        }
        double[] q = scaled(g, -1);
        double[] al = new double[m];
        for (int i = m - 1; i >= 0; i--) {
            al[i] = dot(s[i], q) * r0[i];
            axpy(-al[i], y[i], q);
        }
        double[] r = scaled(q, hDiag);
        for (int i = 0; i < m; i++) {
            double be = dot(y[i], r) * r0[i];
            axpy(al[i] - be, s[i], r);
        }
        return r;
    }

    private record LineSearch(double f, double[] g, double t, int evaluations) {
    }

    /** {@code torch.optim.lbfgs._strong_wolfe}: bracketing with cubic extrapolation, then zoom. */
    private static LineSearch strongWolfe(DifferentiableFunction f, double[] x, double t, double[] d, double f0,
                                          double[] g0, double gtd0) {
        int n = x.length;
        double dNorm = maxAbs(d);
        double[] gNew = new double[n];
        double fNew = evaluateAt(f, x, t, d, gNew);
        int evals = 1;
        double gtdNew = dot(gNew, d);

        double tPrev = 0;
        double fPrev = f0;
        double[] gPrev = g0.clone();
        double gtdPrev = gtd0;
        boolean done = false;
        int lsIter = 0;
        double[] bracket = null;
        double[] bracketF = null;
        double[][] bracketG = null;
        double[] bracketGtd = null;
        while (lsIter < MAX_LINE_SEARCH) {
            if (fNew > f0 + C1 * t * gtd0 || (lsIter > 1 && fNew >= fPrev)) {
                bracket = new double[]{tPrev, t};
                bracketF = new double[]{fPrev, fNew};
                bracketG = new double[][]{gPrev, gNew.clone()};
                bracketGtd = new double[]{gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -C2 * gtd0) {
                bracket = new double[]{t};
                bracketF = new double[]{fNew};
                bracketG = new double[][]{gNew};
                done = true;
                break;
            }
            if (gtdNew >= 0) {
                bracket = new double[]{tPrev, t};
                bracketF = new double[]{fPrev, fNew};
                bracketG = new double[][]{gPrev, gNew.clone()};
                bracketGtd = new double[]{gtdPrev, gtdNew};
                break;
            }
            double minStep = t + 0.01 * (t - tPrev);
            double maxStep = t * 10;
            double tmp = t;
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
            tPrev = tmp;
            fPrev = fNew;
            gPrev = gNew.clone();
            gtdPrev = gtdNew;
            gNew = new double[n];
            fNew = evaluateAt(f, x, t, d, gNew);
            evals++;
            gtdNew = dot(gNew, d);
            lsIter++;
        }
        if (lsIter == MAX_LINE_SEARCH) {
            bracket = new double[]{0, t};
            bracketF = new double[]{f0, fNew};
            bracketG = new double[][]{g0, gNew};
            bracketGtd = new double[]{gtd0, gtdNew};
        }

        boolean insufficientProgress = false;
        int low = bracketF[0] <= bracketF[bracketF.length - 1] ? 0 : 1;
        int high = 1 - low;
        while (!done && lsIter < MAX_LINE_SEARCH) {
            if (Math.abs(bracket[1] - bracket[0]) * dNorm < LINE_SEARCH_TOLERANCE_CHANGE) {
                break;
            }
            double bMin = Math.min(bracket[0], bracket[1]);
            double bMax = Math.max(bracket[0], bracket[1]);
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], bMin, bMax);
            // a point too close to a bracket end makes no progress: move it 10% inside, the second time at once
            double eps = 0.1 * (bMax - bMin);
            if (Math.min(bMax - t, t - bMin) < eps) {
                if (insufficientProgress || t >= bMax || t <= bMin) {
                    t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            gNew = new double[n];
            fNew = evaluateAt(f, x, t, d, gNew);
            evals++;
            gtdNew = dot(gNew, d);
            lsIter++;
            if (fNew > f0 + C1 * t * gtd0 || fNew >= bracketF[low]) {
                bracket[high] = t;
                bracketF[high] = fNew;
                bracketG[high] = gNew.clone();
                bracketGtd[high] = gtdNew;
                low = bracketF[0] <= bracketF[1] ? 0 : 1;
                high = 1 - low;
            } else {
                if (Math.abs(gtdNew) <= -C2 * gtd0) {
                    done = true;
                } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
                    bracket[high] = bracket[low];
                    bracketF[high] = bracketF[low];
                    bracketG[high] = bracketG[low];
                    bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t;
                bracketF[low] = fNew;
                bracketG[low] = gNew.clone();
                bracketGtd[low] = gtdNew;
            }
        }
        return new LineSearch(bracketF[low], bracketG[low], bracket[low], evals);
    }

    /**
     * Minimiser of the cubic through {@code (x1, f1)} and {@code (x2, f2)} with slopes {@code g1}, {@code g2},
     * clamped to {@code [lo, hi]}; the middle of the bounds when the cubic has no minimum.
     */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2
                    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            if (!Double.isNaN(minPos)) {
                return Math.min(Math.max(minPos, lo), hi);
            }
        }
        return (lo + hi) / 2;
    }

    private static double evaluateAt(DifferentiableFunction f, double[] x, double t, double[] d, double[] grad) {
        double[] xt = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xt[i] = x[i] + t * d[i];
        }
        return f.evaluate(xt, grad);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    private static double[] scaled(double[] v, double alpha) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = alpha * v[i];
        }
        return out;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double sumAbs(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.abs(x);
        }
        return s;
    }
}
