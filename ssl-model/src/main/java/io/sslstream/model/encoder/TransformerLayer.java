package io.sslstream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm transformer encoder layer (ViT, MAE): {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}, with
 * multi-head self-attention over all tokens and a GELU MLP of {@code mlpRatio * dim} hidden units.
 * Input and output {@code (N, T, D)}; {@code T} may differ between calls (MAE's encoder sees only visible tokens).
 */
public final class TransformerLayer extends AbstractBlock {

    private final int dim;
    private final int heads;
    private final LayerNorm ln1;
    private final Linear qkv;
    private final Linear proj;
    private final LayerNorm ln2;
    private final Linear fc1;
    private final Linear fc2;

    public TransformerLayer(int dim, int heads, int mlpHidden) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by " + heads + " heads");
        }
        this.dim = dim;
        this.heads = heads;
        ln1 = addChildBlock("ln1", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
        proj = addChildBlock("proj", Linear.builder().setUnits(dim).build());
        ln2 = addChildBlock("ln2", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(mlpHidden).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (N, T, D)
        long n = x.getShape().get(0);
        long t = x.getShape().get(1);
        long dh = dim / heads;
        NDArray h = ln1.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray qkvs = qkv.forward(ps, new NDList(h), training).singletonOrThrow() // (N, T, 3D)
                .reshape(n, t, 3, heads, dh)
                .transpose(2, 0, 3, 1, 4); // (3, N, H, T, Dh)
        NDArray q = qkvs.get(0); // (N, H, T, Dh)
        NDArray k = qkvs.get(1);
        NDArray v = qkvs.get(2);
        NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(dh)).softmax(-1); // (N, H, T, T)
        NDArray o = attention.matMul(v) // (N, H, T, Dh)
                .transpose(0, 2, 1, 3)
                .reshape(n, t, dim); // (N, T, D)
        x = x.add(proj.forward(ps, new NDList(o), training).singletonOrThrow());
        NDArray m = ln2.forward(ps, new NDList(x), training).singletonOrThrow();
        m = Activation.gelu(fc1.forward(ps, new NDList(m), training).singletonOrThrow()); // (N, T, mlpHidden)
        return new NDList(x.add(fc2.forward(ps, new NDList(m), training).singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0]; // (N, T, D)
        ln1.initialize(manager, dataType, s);
        qkv.initialize(manager, dataType, s);
        proj.initialize(manager, dataType, s);
        ln2.initialize(manager, dataType, s);
        fc1.initialize(manager, dataType, s);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[]{s})[0]);
    }
}
