package io.sslstream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/**
 * ResNets with BasicBlocks and the small-image stem used for CIFAR-sized inputs (solo-learn's and lightly's
 * {@code resnet18} on 32x32): a 3x3 convolution with stride 1 and no max-pool, so that a 28x28 image keeps its
 * resolution in the first stage. ResNet-18 is widths 64-128-256-512 with 2 blocks per stage.
 */
final class ResNets {

    private ResNets() {
    }

    /**
     * Stem conv 3x3 (stride 1) + BN + ReLU, then one stage per width ({@code blocks[i]} BasicBlocks, the first
     * with stride 2 from the second stage on), global average pooling.
     * Input {@code (N, C, H, W)}, output {@code (N, widths[last])}.
     */
    static Block resnet(List<Integer> widths, List<Integer> blocks) {
        if (widths.isEmpty() || widths.size() != blocks.size()) {
            throw new IllegalArgumentException("resnet needs as many block counts as widths, got " + widths + " and " + blocks);
        }
        SequentialBlock net = new SequentialBlock()
                .add(conv(widths.get(0), 3, 1))
                .add(bn())
                .add(Encoders::relu);
        int in = widths.get(0);
        for (int stage = 0; stage < widths.size(); stage++) {
            int out = widths.get(stage);
            for (int b = 0; b < blocks.get(stage); b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                net.add(basicBlock(out, stride, stride != 1 || in != out));
                in = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        return net;
    }

    /** {@code relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))}; the shortcut projects with conv 1x1 + BN when the shape changes. */
    static Block basicBlock(int filters, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(filters, 3, stride))
                .add(bn())
                .add(Encoders::relu)
                .add(conv(filters, 3, 1))
                .add(bn());
        Block shortcut = project ? new SequentialBlock().add(conv(filters, 1, stride)).add(bn()) : Blocks.identityBlock();
        return new ParallelBlock(ResNets::addRelu, List.of(main, shortcut));
    }

    private static NDList addRelu(List<NDList> branches) {
        NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
        return new NDList(Encoders.relu(sum));
    }

    private static Block conv(int filters, int kernel, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    /** DJL's momentum is the weight of the running value: 0.9 here is PyTorch's momentum=0.1. */
    static Block bn() {
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }
}
