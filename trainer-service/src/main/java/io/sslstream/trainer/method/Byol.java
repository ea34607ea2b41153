package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.optim.Schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * BYOL (Grill et al. 2020): an online encoder, projector and predictor regress the target network's projection of
 * the other view; the target (encoder and projector) is an exponential moving average of the online one, its
 * momentum rising from {@code momentum} to 1 with a cosine over the planned steps. Loss: the normalised MSE
 * {@code 2 - 2 cos}, summed over both directions. Heads are {@code Linear-BN-ReLU-Linear}.
 */
public final class Byol extends Method {

    public static final String NAME = "byol";

    /** Two views of the {@code byol} recipe, a small CNN by default; its own key is {@code ssl.trainer.byol.momentum}. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "byol", Encoders.SMALL_CNN,
            Set.of("projection", "predictor"), Optional.of(Config.class), Options::from);

    /**
     * BYOL's own keys (unremovable: Quarkus registers a mapping nobody injects only then; the
     * method reads it through {@link MethodConfig#mapping}).
     */
    @Unremovable
    @ConfigMapping(prefix = "ssl.trainer.byol")
    public interface Config {
        /** Target momentum at the start (rises to 1 with a cosine when the run has a planned length). */
        @WithDefault("0.99")
        double momentum();
    }

    /**
     * @param projection projector sizes ({@code ssl.trainer.optim.projection}, default 512,128)
     * @param predictor  predictor sizes ({@code ssl.trainer.optim.predictor}, default 512,128)
     * @param momentum   target momentum at step 0 ({@code ssl.trainer.byol.momentum}), rising to 1 over the run's
     *                   planned steps with a cosine, constant when the run has none
     */
    public record Options(List<Integer> projection, List<Integer> predictor, double momentum) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
            predictor = Heads.required(NAME, "predictor", predictor);
            if (momentum < 0 || momentum > 1) {
                throw new IllegalArgumentException("bad byol settings: momentum " + momentum + " (0 to 1)");
            }
        }

        static Options from(MethodConfig c) {
            return new Options(c.projection(List.of(512, 128)), c.predictor(List.of(512, 128)), c.mapping(Config.class).momentum());
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("predictor", predictor);
            m.put("target_momentum", momentum);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new Byol(settings, this, manager);
        }
    }

    private final Options options;
    private final Block projector;
    private final Block predictor;
    private final Block targetEncoder;
    private final Block targetProjector;

    Byol(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        this.options = options;
        projector = add(HEAD, () -> Heads.mlpBn(options.projection(), Heads.Last.LINEAR), featureShape());
        int p = options.projection().get(options.projection().size() - 1);
        predictor = add(PREDICTOR, () -> Heads.mlpBn(options.predictor(), Heads.Last.LINEAR), new Shape(1, p));
        targetEncoder = addTarget("target-encoder.params", CheckpointArchive.ENCODER);
        targetProjector = addTarget("target-head.params", HEAD);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray pred = forward(predictor, forward(projector, forward(encoder, batch.images()))); // (2N, P)
        NDArray z;
        try (NoGrad ignored = NoGrad.enter()) {
            z = forward(targetProjector, forward(targetEncoder, batch.images())); // (2N, P), no graph
        }
        NDArray p1 = pred.get("0:" + n);
        NDArray p2 = pred.get(n + ":");
        return CosineLosses.byol(p1, z.get(n + ":")).add(CosineLosses.byol(p2, z.get("0:" + n)));
    }

    @Override
    public void afterUpdate(long stepsDone) {
        double m = Schedule.cosineToOne(options.momentum(), stepsDone, settings.totalSteps());
        ema(encoder, targetEncoder, m);
        ema(projector, targetProjector, m);
    }
}
