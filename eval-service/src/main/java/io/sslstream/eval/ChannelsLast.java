package io.sslstream.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An encoder fed its {@code (N, C, H, W)} input in channels-last memory order (strides of NHWC; shape and values
 * unchanged). libtorch's oneDNN convolutions then work on NHWC directly and keep their outputs so, instead of
 * reordering every layer's input and output between NCHW and oneDNN's blocked layout: measured on the small CNN,
 * reorders were a third of the convolution time, and features cost about 20% less CPU (see docs/benchmarks.md).
 * The features are the same up to float rounding (about 1e-6).
 */
final class ChannelsLast extends AbstractBlock {

    private final Block encoder;

    ChannelsLast(Block encoder) {
        this.encoder = addChildBlock("encoder", encoder);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return encoder.forward(store, new NDList(of(inputs.singletonOrThrow())), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return encoder.getOutputShapes(inputShapes);
    }

    /** {@code x} (N, C, H, W) as a tensor of the same shape with NHWC strides, in {@code x}'s manager. */
    static NDArray of(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        // one channel: NCHW and NHWC are the same bytes; else one copy into NHWC order
        NDArray nhwc = c == 1 ? x.reshape(n, h, w, 1) : x.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c);
        return nhwc.transpose(0, 3, 1, 2); // (N, C, H, W) view with strides (HWC, 1, WC, C)
    }
}
