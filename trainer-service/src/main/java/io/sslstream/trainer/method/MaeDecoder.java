package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import io.sslstream.model.encoder.TransformerLayer;
import io.sslstream.model.encoder.VisionTransformer;

import java.util.ArrayList;
import java.util.List;

/**
 * MAE's light decoder: the encoded visible tokens are projected to the decoder width, a learned mask token fills the
 * hidden positions, the sequence is put back into patch order, fixed sine-cosine positions are added, and a few
 * transformer layers predict every patch's pixels.
 *
 * <p>Inputs: {@code (N, k, D)} encoded visible tokens and {@code (N, T)} int64 restore indices (position {@code t} of
 * the output takes token {@code restore[t]} of {@code [visible..., mask tokens...]}). Output {@code (N, T, P)}.
 */
final class MaeDecoder extends AbstractBlock {

    private final int dim;
    private final int rows;
    private final int cols;
    private final int pixelsPerPatch;
    private final Linear embed;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear predict;
    private final Parameter maskToken;
    private final Parameter position;

    MaeDecoder(int dim, int depth, int heads, int rows, int cols, int pixelsPerPatch) {
        this.dim = dim;
        this.rows = rows;
        this.cols = cols;
        this.pixelsPerPatch = pixelsPerPatch;
        embed = addChildBlock("embed", Linear.builder().setUnits(dim).build());
        for (int i = 0; i < depth; i++) {
            layers.add(addChildBlock("layer" + i, new TransformerLayer(dim, heads, 4 * dim)));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        predict = addChildBlock("predict", Linear.builder().setUnits(pixelsPerPatch).build());
        maskToken = addParameter(Parameter.builder().setName("mask_token").setType(Parameter.Type.OTHER)
                .optInitializer(new NormalInitializer(0.02f)).optShape(new Shape(1, 1, dim)).build());
        position = addParameter(Parameter.builder().setName("pos_embed").setType(Parameter.Type.OTHER)
                .optRequiresGrad(false).optShape(new Shape(1, (long) rows * cols, dim))
                .optInitializer(new SinCos()).build());
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3),
                Parameter.Type.WEIGHT);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray visible = inputs.get(0); // (N, k, D)
        NDArray restore = inputs.get(1); // (N, T) int64
        long n = visible.getShape().get(0);
        long k = visible.getShape().get(1);
        long t = (long) rows * cols;
        NDArray h = embed.forward(ps, new NDList(visible), training).singletonOrThrow(); // (N, k, Dd)
        if (k < t) {
            NDArray masks = ps.getValue(maskToken, visible.getDevice(), training).broadcast(new Shape(n, t - k, dim));
            h = h.concat(masks, 1); // (N, T, Dd): visible first, then mask tokens
        }
        NDArray index = restore.reshape(n, t, 1).broadcast(new Shape(n, t, dim));
        h = h.gather(index, 1).add(ps.getValue(position, visible.getDevice(), training)); // (N, T, Dd) in patch order
        for (TransformerLayer layer : layers) {
            h = layer.forward(ps, new NDList(h), training).singletonOrThrow();
        }
        h = norm.forward(ps, new NDList(h), training).singletonOrThrow();
        return predict.forward(ps, new NDList(h), training); // (N, T, P)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), (long) rows * cols, pixelsPerPatch)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0]; // (1, T, D)
        embed.initialize(manager, dataType, in);
        Shape tokens = new Shape(in.get(0), (long) rows * cols, dim);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        predict.initialize(manager, dataType, tokens);
    }

    private final class SinCos implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            return manager.create(VisionTransformer.sinCos(rows, cols, dim), shape).toType(dataType, false);
        }
    }
}
