package io.sslstream.eval.protocol;

/** A scalar function of a parameter vector with its gradient, as an optimiser sees it. */
@FunctionalInterface
public interface DifferentiableFunction {

    /**
     * @param x    parameters (not modified)
     * @param grad receives the gradient at {@code x}; same length as {@code x}
     * @return the value at {@code x}
     */
    double evaluate(double[] x, double[] grad);
}
