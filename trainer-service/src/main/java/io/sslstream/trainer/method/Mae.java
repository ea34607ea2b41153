package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.model.encoder.VisionTransformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MAE (He et al. 2022): the ViT encoder sees only the visible patches of the augmenter's mask; a light decoder
 * reconstructs every patch, and the loss is the MSE on the masked patches (of per-patch normalised pixels by
 * default). The masks come with the view sets (recipe {@code mae}); their grid must be the encoder's patch grid.
 *
 * <p>A batch needs one count of visible patches to stack: if the masks of a batch hide different numbers of
 * patches, every sample keeps its first {@code k} visible patches (row-major), {@code k} the batch's smallest count;
 * the loss stays on the patches the augmenter masked.
 */
public final class Mae extends Method {

    public static final String NAME = "mae";

    /** One view and its patch mask, from the {@code mae} recipe, on {@code vit-tiny} by default; its own keys are {@code ssl.trainer.mae.*}. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 1, true, "mae", Encoders.VIT_TINY,
            Set.of("decoder_dim", "decoder_depth", "decoder_heads"), Optional.of(Config.class), Options::from);

    /**
     * MAE's own keys (unremovable: Quarkus registers a mapping nobody injects only then; the
     * method reads it through {@link MethodConfig#mapping}).
     */
    @Unremovable
    @ConfigMapping(prefix = "ssl.trainer.mae")
    public interface Config {
        /** Decoder width. */
        @WithDefault("128")
        int decoderDim();

        /** Decoder layers. */
        @WithDefault("2")
        int decoderDepth();

        /** Decoder attention heads. */
        @WithDefault("4")
        int decoderHeads();

        /** Reconstruct per-patch normalised pixels. */
        @WithDefault("true")
        boolean normPixLoss();
    }

    /**
     * @param decoderDim    decoder width ({@code ssl.trainer.mae.decoder-dim})
     * @param decoderDepth  decoder layers ({@code ssl.trainer.mae.decoder-depth})
     * @param decoderHeads  decoder attention heads ({@code ssl.trainer.mae.decoder-heads})
     * @param normPixLoss   reconstruct per-patch normalised pixels ({@code ssl.trainer.mae.norm-pix-loss})
     */
    public record Options(int decoderDim, int decoderDepth, int decoderHeads, boolean normPixLoss) implements MethodOptions {

        static Options from(MethodConfig c) {
            Config own = c.mapping(Config.class);
            return new Options(own.decoderDim(), own.decoderDepth(), own.decoderHeads(), own.normPixLoss());
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("decoder_dim", decoderDim);
            m.put("decoder_depth", decoderDepth);
            m.put("decoder_heads", decoderHeads);
            m.put("norm_pix_loss", normPixLoss);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new Mae(settings, this, manager);
        }
    }

    public static final String DECODER = "decoder.params";

    private final VisionTransformer vit;
    private final Block decoder;
    private final MaeLoss loss;

    Mae(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        vit = (VisionTransformer) encoder;
        int pixels = vit.patch() * vit.patch() * settings.input().channels();
        decoder = add(DECODER, () -> new MaeDecoder(options.decoderDim(), options.decoderDepth(), options.decoderHeads(),
                vit.gridRows(), vit.gridCols(), pixels), new Shape(1, vit.tokens(), vit.dim()));
        loss = new MaeLoss(options.normPixLoss());
    }

    /** Per-sample index arrays of a batch of masks. */
    record Plan(int keep, long[] keepIndex, long[] restoreIndex, float[] lossMask) {
    }

    /** Which tokens each sample's encoder sees, and how the decoder puts them back. */
    static Plan plan(List<PatchMask> masks, int tokens) {
        int n = masks.size();
        int keep = Integer.MAX_VALUE;
        for (PatchMask m : masks) {
            keep = Math.min(keep, tokens - m.maskedCount());
        }
        if (keep < 1) {
            throw new IllegalArgumentException("a mask hides every patch: nothing for the encoder to see");
        }
        long[] keepIndex = new long[n * keep];
        long[] restore = new long[n * tokens];
        float[] lossMask = new float[n * tokens];
        for (int i = 0; i < n; i++) {
            PatchMask m = masks.get(i);
            long[] order = new long[tokens]; // visible tokens first (the first k go to the encoder), then the rest
            int front = 0;
            int back = keep;
            for (int t = 0; t < tokens; t++) {
                boolean masked = m.isMasked(t / m.cols(), t % m.cols());
                lossMask[i * tokens + t] = masked ? 1f : 0f;
                if (!masked && front < keep) {
                    order[front++] = t;
                } else {
                    order[back++] = t;
                }
            }
            for (int j = 0; j < tokens; j++) {
                restore[i * tokens + (int) order[j]] = j;
            }
            System.arraycopy(order, 0, keepIndex, i * keep, keep);
        }
        return new Plan(keep, keepIndex, restore, lossMask);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        int t = vit.tokens();
        long d = vit.dim();
        Plan plan = plan(batch.masks(), t);
        NDArray x = batch.images(); // (N, C, H, W)
        NDArray keepIndex = manager.create(plan.keepIndex(), new Shape(n, plan.keep(), 1)).broadcast(new Shape(n, plan.keep(), d));
        NDArray restore = manager.create(plan.restoreIndex(), new Shape(n, t));
        NDArray mask = manager.create(plan.lossMask(), new Shape(n, t));
        NDArray tokens = vit.embed(params, x, true); // (N, T, D) with positions
        NDArray latent = vit.encode(params, tokens.gather(keepIndex, 1), true); // (N, k, D)
        NDArray prediction = decoder.forward(params, new NDList(latent, restore), true).singletonOrThrow(); // (N, T, P)
        return loss.apply(prediction, MaeLoss.patchify(x, vit.patch()), mask);
    }
}
