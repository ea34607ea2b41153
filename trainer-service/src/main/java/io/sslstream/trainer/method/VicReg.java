package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

/** VICReg (Bardes et al. 2022): a {@code Linear-BN-ReLU} expander and {@link VicRegLoss} on the two views' embeddings. */
public final class VicReg extends Method {

    private final Block projector;
    private final VicRegLoss loss;

    public VicReg(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(settings.projection(), Heads.Last.LINEAR), featureShape());
        loss = new VicRegLoss(settings.simCoeff(), settings.varCoeff(), settings.covCoeff(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray z = forward(projector, forward(encoder, batch.images())); // (2N, P)
        return loss.apply(z.get("0:" + n), z.get(n + ":"));
    }
}
