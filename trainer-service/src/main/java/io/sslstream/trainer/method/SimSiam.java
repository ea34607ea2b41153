package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.sslstream.model.encoder.Encoders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SimSiam (Chen and He 2021): encoder and projector (BatchNorm on every layer, the last without scale and shift),
 * a bottleneck predictor, and the symmetric negative cosine between one view's prediction and the other view's
 * projection with the gradient stopped: {@code (D(p1, sg(z2)) + D(p2, sg(z1))) / 2}.
 */
public final class SimSiam extends Method {

    public static final String NAME = "simsiam";

    /** Two views of the {@code simclr} recipe, a small CNN by default; no keys of its own. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "simclr", Encoders.SMALL_CNN,
            Set.of("projection", "predictor"), Optional.empty(), Options::from);

    /**
     * @param projection projector sizes ({@code ssl.trainer.optim.projection}, default 512,512)
     * @param predictor  predictor sizes ({@code ssl.trainer.optim.predictor}, default 128,512: a bottleneck)
     */
    public record Options(List<Integer> projection, List<Integer> predictor) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
            predictor = Heads.required(NAME, "predictor", predictor);
        }

        static Options from(MethodConfig c) {
            return new Options(c.projection(List.of(512, 512)), c.predictor(List.of(128, 512)));
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("predictor", predictor);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new SimSiam(settings, this, manager);
        }
    }

    private final Block projector;
    private final Block predictor;

    SimSiam(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(options.projection(), Heads.Last.BATCH_NORM), featureShape());
        int p = options.projection().get(options.projection().size() - 1);
        predictor = add(PREDICTOR, () -> Heads.mlpBn(options.predictor(), Heads.Last.LINEAR), new Shape(1, p));
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray z = forward(projector, forward(encoder, batch.images())); // (2N, P)
        NDArray p = forward(predictor, z); // (2N, P)
        NDArray zStop = z.stopGradient();
        NDArray l1 = CosineLosses.negativeCosine(p.get("0:" + n), zStop.get(n + ":"));
        NDArray l2 = CosineLosses.negativeCosine(p.get(n + ":"), zStop.get("0:" + n));
        return l1.add(l2).div(2);
    }
}
