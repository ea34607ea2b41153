package io.sslstream.eval.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LbfgsTest {

    static final DifferentiableFunction ROSENBROCK = (x, g) -> {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };

    @Test
    void followsPyTorchsPathThroughRosenbrocksValley() {
        // torch.optim.LBFGS(lr=1, max_iter=200, history_size=20, tolerance_grad=1e-9, tolerance_change=1e-14,
        // line_search_fn="strong_wolfe") in float64 from (-1.2, 1) (Debian's torch 1.13): 37 iterations,
        // 45 evaluations, x = (1.000000003286, 1.000000005841), f = 6.431691647051072e-17
        Lbfgs.Result r = new Lbfgs(Lbfgs.Options.of(200, 20, 1e-9, 1e-14)).minimize(ROSENBROCK, new double[]{-1.2, 1});
        assertThat(r.iterations()).isEqualTo(37);
        assertThat(r.evaluations()).isEqualTo(45);
        assertThat(r.x()[0]).isCloseTo(1.000000003286, within(1e-12));
        assertThat(r.x()[1]).isCloseTo(1.000000005841, within(1e-12));
        assertThat(r.value()).isCloseTo(6.431691647051072e-17, within(1e-20));
    }

    @Test
    void solvesAnIllConditionedQuadraticToItsKnownMinimum() {
        // f(x) = sum_i c_i (x_i - i)^2 / 2 with c_i from 1 to 100: minimum 0 at x_i = i (PyTorch: 91 iterations, 99 evaluations)
        int n = 30;
        DifferentiableFunction quad = (x, g) -> {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double c = Math.pow(1e2, i / (n - 1.0));
                g[i] = c * (x[i] - i);
                f += 0.5 * c * (x[i] - i) * (x[i] - i);
            }
            return f;
        };
        Lbfgs.Result r = new Lbfgs(Lbfgs.Options.of(500, 20, 1e-9, 1e-16)).minimize(quad, new double[n]);
        for (int i = 0; i < n; i++) {
            assertThat(r.x()[i]).as("x[%d]", i).isCloseTo(i, within(1e-7));
        }
        assertThat(r.iterations()).isEqualTo(91);
        assertThat(r.evaluations()).isEqualTo(99);
        assertThat(r.stop()).isNotIn(Lbfgs.Stop.MAX_ITERATIONS, Lbfgs.Stop.MAX_EVALUATIONS);
    }

    @Test
    void stopsAtTheIterationBudgetAndCountsEvaluations() {
        int[] calls = {0};
        DifferentiableFunction counted = (x, g) -> {
            calls[0]++;
            return ROSENBROCK.evaluate(x, g);
        };
        Lbfgs.Result r = new Lbfgs(new Lbfgs.Options(5, 1000, 20, 1e-12, 1e-16, 1)).minimize(counted, new double[]{-1.2, 1});
        assertThat(r.iterations()).isEqualTo(5);
        assertThat(r.stop()).isEqualTo(Lbfgs.Stop.MAX_ITERATIONS);
        assertThat(r.evaluations()).isEqualTo(calls[0]).isGreaterThanOrEqualTo(6);
        // PyTorch's default evaluation budget (5 / 4 of the iterations) can end it first, as it does there (4 iterations)
        Lbfgs.Result budget = new Lbfgs(Lbfgs.Options.of(5, 20, 1e-12, 1e-16)).minimize(ROSENBROCK, new double[]{-1.2, 1});
        assertThat(budget.stop()).isEqualTo(Lbfgs.Stop.MAX_EVALUATIONS);
        assertThat(budget.iterations()).isEqualTo(4);
        assertThat(budget.evaluations()).isEqualTo(6);
    }

    @Test
    void startsAndStopsAtAStationaryPoint() {
        Lbfgs.Result r = new Lbfgs(Lbfgs.Options.defaults()).minimize(ROSENBROCK, new double[]{1, 1});
        assertThat(r.iterations()).isZero();
        assertThat(r.stop()).isEqualTo(Lbfgs.Stop.GRADIENT);
        assertThat(r.evaluations()).isEqualTo(1);
    }

    @Test
    void cubicInterpolationFindsTheMinimumOfACubic() {
        // f(x) = x^3 - 3x has its local minimum at x = 1: f(0) = 0, f'(0) = -3, f(2) = 2, f'(2) = 9
        assertThat(Lbfgs.cubicInterpolate(0, 0, -3, 2, 2, 9, 0, 2)).isCloseTo(1, within(1e-12));
        // clamped to the bounds
        assertThat(Lbfgs.cubicInterpolate(0, 0, -3, 2, 2, 9, 1.5, 2)).isEqualTo(1.5);
    }
}
