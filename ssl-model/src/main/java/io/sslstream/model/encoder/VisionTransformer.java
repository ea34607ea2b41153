package io.sslstream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * A small Vision Transformer for MAE and for evaluation: non-overlapping {@code patch x patch} patches embedded by a
 * strided convolution, fixed 2-D sine-cosine position embeddings (MAE's), {@code depth} pre-norm
 * {@link TransformerLayer}s and a final LayerNorm. No class token: the features are the mean of the output tokens.
 *
 * <p>{@link #forward} maps {@code (N, C, H, W)} to {@code (N, dim)}. MAE uses the parts: {@link #embed} (all
 * patches with positions), then {@link #encode} on the visible tokens only.
 */
public final class VisionTransformer extends AbstractBlock {

    private final int patch;
    private final int dim;
    private final Conv2d patchEmbed;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final LayerNorm norm;
    private final Parameter position;
    private int gridRows;
    private int gridCols;

    /**
     * @param patch    patch side in pixels (the input's height and width must be multiples of it)
     * @param dim      token width
     * @param depth    transformer layers
     * @param heads    attention heads ({@code dim} must be a multiple)
     * @param mlpRatio MLP hidden units per token width
     */
    public VisionTransformer(int patch, int dim, int depth, int heads, double mlpRatio) {
        if (patch < 1 || dim < 4 || dim % 4 != 0 || depth < 1) {
            throw new IllegalArgumentException("vit needs patch >= 1, dim a positive multiple of 4, depth >= 1; got patch "
                    + patch + ", dim " + dim + ", depth " + depth);
        }
        this.patch = patch;
        this.dim = dim;
        patchEmbed = addChildBlock("patch_embed", Conv2d.builder()
                .setKernelShape(new Shape(patch, patch))
                .optStride(new Shape(patch, patch))
                .setFilters(dim)
                .build());
        for (int i = 0; i < depth; i++) {
            layers.add(addChildBlock("layer" + i, new TransformerLayer(dim, heads, (int) Math.round(mlpRatio * dim))));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(1e-6f).build());
        position = addParameter(Parameter.builder()
                .setName("pos_embed")
                .setType(Parameter.Type.OTHER)
                .optRequiresGrad(false)
                .optInitializer(new SinCos())
                .build());
        // glorot-uniform weights as in MAE's ViT (DJL's default is He-normal, made for ReLU networks)
        setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3),
                Parameter.Type.WEIGHT);
    }

    public int patch() {
        return patch;
    }

    public int dim() {
        return dim;
    }

    /** Patches per image ({@code T}), known once initialised. */
    public int tokens() {
        return gridRows * gridCols;
    }

    public int gridRows() {
        return gridRows;
    }

    public int gridCols() {
        return gridCols;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = embed(ps, inputs.singletonOrThrow(), training); // (N, T, D)
        return new NDList(encode(ps, tokens, training).mean(new int[]{1})); // (N, D)
    }

    /** {@code (N, C, H, W)} to patch tokens with their position embeddings, {@code (N, T, D)}, row-major patch order. */
    public NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        long n = x.getShape().get(0);
        NDArray p = patchEmbed.forward(ps, new NDList(x), training).singletonOrThrow(); // (N, D, rows, cols)
        NDArray tokens = p.reshape(n, dim, tokens()).transpose(0, 2, 1); // (N, T, D)
        return tokens.add(ps.getValue(position, x.getDevice(), training)); // + (1, T, D)
    }

    /** The transformer layers and the final norm on any number of tokens: {@code (N, T', D)} to {@code (N, T', D)}. */
    public NDArray encode(ParameterStore ps, NDArray tokens, boolean training) {
        NDArray h = tokens;
        for (TransformerLayer layer : layers) {
            h = layer.forward(ps, new NDList(h), training).singletonOrThrow();
        }
        return norm.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), dim)};
    }

    @Override
    protected void beforeInitialize(Shape... inputShapes) {
        super.beforeInitialize(inputShapes);
        Shape in = inputShapes[0]; // (N, C, H, W)
        if (in.dimension() != 4 || in.get(2) % patch != 0 || in.get(3) % patch != 0) {
            throw new IllegalArgumentException("vit with patch " + patch + " needs (N, C, H, W) input with H and W multiples of "
                    + patch + ", got " + in);
        }
        gridRows = (int) (in.get(2) / patch);
        gridCols = (int) (in.get(3) / patch);
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        position.setShape(new Shape(1, tokens(), dim));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patchEmbed.initialize(manager, dataType, inputShapes[0]);
        Shape tokenShape = new Shape(inputShapes[0].get(0), tokens(), dim);
        for (TransformerLayer layer : layers) {
            layer.initialize(manager, dataType, tokenShape);
        }
        norm.initialize(manager, dataType, tokenShape);
    }

    /**
     * 2-D sine-cosine position embeddings of a {@code rows x cols} grid, as a {@code (1, T, D)} array: the first
     * half of a token's {@code D} values encodes its row, the second half its column, each as
     * {@code sin(p * w_i)} for {@code i < D/4}, then {@code cos(p * w_i)}, with {@code w_i = 10000^(-i / (D/4))}.
     */
    public static float[] sinCos(int rows, int cols, int dim) {
        int quarter = dim / 4;
        float[] out = new float[rows * cols * dim];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (r * cols + c) * dim;
                for (int i = 0; i < quarter; i++) {
                    double w = Math.pow(10000, -(double) i / quarter);
                    out[base + i] = (float) Math.sin(r * w);
                    out[base + quarter + i] = (float) Math.cos(r * w);
                    out[base + 2 * quarter + i] = (float) Math.sin(c * w);
                    out[base + 3 * quarter + i] = (float) Math.cos(c * w);
                }
            }
        }
        return out;
    }

    /** Fills the position parameter with {@link #sinCos} of this transformer's grid. */
    private final class SinCos implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            return manager.create(sinCos(gridRows, gridCols, dim), shape).toType(dataType, false);
        }
    }
}
