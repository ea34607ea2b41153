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

/** VICReg (Bardes et al. 2022): a {@code Linear-BN-ReLU} expander and {@link VicRegLoss} on the two views' embeddings. */
public final class VicReg extends Method {

    public static final String NAME = "vicreg";

    /** Two views of the {@code byol} recipe, a small CNN by default; its own keys are {@code ssl.trainer.vicreg.*}. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "byol", Encoders.SMALL_CNN,
            Set.of("projection"), Optional.of(Config.class), Options::from);

    /**
     * VICReg's own keys (unremovable: Quarkus registers a mapping nobody injects only then; the
     * method reads it through {@link MethodConfig#mapping}).
     */
    @Unremovable
    @ConfigMapping(prefix = "ssl.trainer.vicreg")
    public interface Config {
        /** Invariance weight. */
        @WithDefault("25")
        double simCoeff();

        /** Variance weight. */
        @WithDefault("25")
        double varCoeff();

        /** Covariance weight. */
        @WithDefault("1")
        double covCoeff();
    }

    /**
     * @param projection expander sizes ({@code ssl.trainer.optim.projection}, default 512,512,512)
     * @param simCoeff   invariance weight ({@code ssl.trainer.vicreg.sim-coeff})
     * @param varCoeff   variance weight ({@code ssl.trainer.vicreg.var-coeff})
     * @param covCoeff   covariance weight ({@code ssl.trainer.vicreg.cov-coeff})
     */
    public record Options(List<Integer> projection, double simCoeff, double varCoeff, double covCoeff) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
        }

        static Options from(MethodConfig c) {
            Config own = c.mapping(Config.class);
            return new Options(c.projection(List.of(512, 512, 512)), own.simCoeff(), own.varCoeff(), own.covCoeff());
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("sim_coeff", simCoeff);
            m.put("var_coeff", varCoeff);
            m.put("cov_coeff", covCoeff);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new VicReg(settings, this, manager);
        }
    }

    private final Block projector;
    private final VicRegLoss loss;

    VicReg(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(options.projection(), Heads.Last.LINEAR), featureShape());
        loss = new VicRegLoss(options.simCoeff(), options.varCoeff(), options.covCoeff(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray z = forward(projector, forward(encoder, batch.images())); // (2N, P)
        return loss.apply(z.get("0:" + n), z.get(n + ":"));
    }
}
