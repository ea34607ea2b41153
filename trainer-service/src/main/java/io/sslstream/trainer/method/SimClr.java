package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.sslstream.model.encoder.Encoders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SimCLR (Chen et al. 2020): both views through encoder and projection MLP in one batch, NT-Xent over the
 * {@code 2N} projections. The projection head is the walking skeleton's ({@code Linear-ReLU-Linear}, no BatchNorm,
 * as in the PyTorch peer), so its checkpoints stay readable.
 */
public final class SimClr extends Method {

    public static final String NAME = "simclr";

    /** Two views of the {@code simclr} recipe, a small CNN by default; no keys of its own. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "simclr", Encoders.SMALL_CNN,
            Set.of("projection"), Optional.empty(), Options::from);

    /**
     * @param projection  projector sizes ({@code ssl.trainer.optim.projection}, default 128,64)
     * @param temperature NT-Xent's temperature ({@code ssl.trainer.optim.temperature}, default 0.5)
     */
    public record Options(List<Integer> projection, double temperature) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
        }

        static Options from(MethodConfig c) {
            return new Options(c.projection(List.of(128, 64)), c.temperature(0.5));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("temperature", temperature);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new SimClr(settings, this, manager);
        }
    }

    private final Block projector;
    private final NtXentLoss loss;

    SimClr(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Encoders.mlp(options.projection()), featureShape());
        loss = new NtXentLoss(options.temperature(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        NDArray h = forward(encoder, batch.images()); // (2N, D)
        NDArray z = forward(projector, h); // (2N, P)
        return loss.apply(z);
    }
}
