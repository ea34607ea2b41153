package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * SimSiam (Chen and He 2021): encoder and projector (BatchNorm on every layer, the last without scale and shift),
 * a bottleneck predictor, and the symmetric negative cosine between one view's prediction and the other view's
 * projection with the gradient stopped: {@code (D(p1, sg(z2)) + D(p2, sg(z1))) / 2}.
 */
public final class SimSiam extends Method {

    private final Block projector;
    private final Block predictor;

    public SimSiam(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(settings.projection(), Heads.Last.BATCH_NORM), featureShape());
        int p = settings.projection().get(settings.projection().size() - 1);
        predictor = add(PREDICTOR, () -> Heads.mlpBn(settings.predictor(), Heads.Last.LINEAR), new Shape(1, p));
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
