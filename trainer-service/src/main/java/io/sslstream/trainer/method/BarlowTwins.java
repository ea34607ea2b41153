package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sslstream.model.encoder.Encoders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Barlow Twins (Zbontar et al. 2021): a {@code Linear-BN-ReLU} projector and {@link BarlowTwinsLoss} on the
 * cross-correlation of the two views' embeddings.
 */
public final class BarlowTwins extends Method {

    public static final String NAME = "barlow-twins";

    /** Two views of the {@code byol} recipe, a small CNN by default; its own key is {@code ssl.trainer.barlow-twins.lambda}. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "byol", Encoders.SMALL_CNN,
            Set.of("projection"), Optional.of(Config.class), Options::from);

    /**
     * Barlow Twins' own keys (unremovable: Quarkus registers a mapping nobody injects only then; the
     * method reads it through {@link MethodConfig#mapping}).
     */
    @Unremovable
    @ConfigMapping(prefix = "ssl.trainer.barlow-twins")
    public interface Config {
        /** Weight of the off-diagonal terms. */
        @WithDefault("0.0051")
        double lambda();
    }

    /**
     * @param projection projector sizes ({@code ssl.trainer.optim.projection}, default 512,512,512)
     * @param lambda     weight of the off-diagonal terms ({@code ssl.trainer.barlow-twins.lambda})
     */
    public record Options(List<Integer> projection, double lambda) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
        }

        static Options from(MethodConfig c) {
            return new Options(c.projection(List.of(512, 512, 512)), c.mapping(Config.class).lambda());
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("lambda", lambda);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new BarlowTwins(settings, this, manager);
        }
    }

    private final Block projector;
    private final BarlowTwinsLoss loss;

    BarlowTwins(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(options.projection(), Heads.Last.LINEAR), featureShape());
        loss = new BarlowTwinsLoss(options.lambda(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray z = forward(projector, forward(encoder, batch.images())); // (2N, P)
        return loss.apply(z.get("0:" + n), z.get(n + ":"));
    }
}
