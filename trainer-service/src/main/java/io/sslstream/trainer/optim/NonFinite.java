package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.Map;

/** Checks for NaN and infinity in weights and state, exact (element by element), for checkpoints and resume. */
public final class NonFinite {

    private NonFinite() {
    }

    /** Whether every element of the array is finite. */
    public static boolean allFinite(NDArray a) {
        try (NDScope scope = new NDScope()) {
            return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
        }
    }

    /**
     * The first parameter (running statistics included) of the networks with a NaN or an infinity, as
     * {@code <entry>/<parameter>}, or null if all are finite.
     */
    public static String firstIn(Map<String, Block> networks) {
        for (Map.Entry<String, Block> e : networks.entrySet()) {
            for (Pair<String, Parameter> p : e.getValue().getParameters()) {
                if (p.getValue().isInitialized() && !allFinite(p.getValue().getArray())) {
                    return e.getKey() + "/" + p.getKey();
                }
            }
        }
        return null;
    }
}
