package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.trainer.optim.Schedule;

/**
 * BYOL (Grill et al. 2020): an online encoder, projector and predictor regress the target network's projection of
 * the other view; the target (encoder and projector) is an exponential moving average of the online one, its
 * momentum rising from {@code targetMomentum} to 1 with a cosine over the planned steps. Loss: the normalised MSE
 * {@code 2 - 2 cos}, summed over both directions. Heads are {@code Linear-BN-ReLU-Linear}.
 */
public final class Byol extends Method {

    private final Block projector;
    private final Block predictor;
    private final Block targetEncoder;
    private final Block targetProjector;

    public Byol(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(settings.projection(), Heads.Last.LINEAR), featureShape());
        int p = settings.projection().get(settings.projection().size() - 1);
        predictor = add(PREDICTOR, () -> Heads.mlpBn(settings.predictor(), Heads.Last.LINEAR), new ai.djl.ndarray.types.Shape(1, p));
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
        double m = Schedule.cosineToOne(settings.targetMomentum(), stepsDone, settings.totalSteps());
        ema(encoder, targetEncoder, m);
        ema(projector, targetProjector, m);
    }
}
