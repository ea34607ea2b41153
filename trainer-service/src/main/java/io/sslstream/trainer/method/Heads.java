package io.sslstream.trainer.method;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

import java.util.List;

/** The projection and prediction MLPs of the methods. */
public final class Heads {

    /** How the last layer of an MLP is normalised. */
    public enum Last {
        /** a plain Linear (SimCLR, MoCo, BYOL, Barlow Twins, VICReg) */
        LINEAR,
        /** Linear then BatchNorm without scale and shift (SimSiam's projector) */
        BATCH_NORM
    }

    private Heads() {
    }

    /** A head's sizes, checked: a method that has the head needs at least one layer in it. */
    static List<Integer> required(String method, String head, List<Integer> sizes) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException(method + " needs a " + head + " head");
        }
        return List.copyOf(sizes);
    }

    /**
     * {@code Linear -> BatchNorm -> ReLU} for every size but the last, then a Linear (and the {@code last} norm).
     * Input {@code (N, in)}, output {@code (N, sizes[last])}.
     */
    public static Block mlpBn(List<Integer> sizes, Last last) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("a head needs at least one layer");
        }
        SequentialBlock head = new SequentialBlock();
        for (int i = 0; i < sizes.size(); i++) {
            head.add(Linear.builder().setUnits(sizes.get(i)).build());
            if (i < sizes.size() - 1) {
                head.add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build()).add(Activation::relu);
            } else if (last == Last.BATCH_NORM) {
                head.add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).optCenter(false).optScale(false).build());
            }
        }
        return head;
    }
}
