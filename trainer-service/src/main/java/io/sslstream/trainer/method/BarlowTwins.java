package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

/**
 * Barlow Twins (Zbontar et al. 2021): a {@code Linear-BN-ReLU} projector and {@link BarlowTwinsLoss} on the
 * cross-correlation of the two views' embeddings.
 */
public final class BarlowTwins extends Method {

    private final Block projector;
    private final BarlowTwinsLoss loss;

    public BarlowTwins(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Heads.mlpBn(settings.projection(), Heads.Last.LINEAR), featureShape());
        loss = new BarlowTwinsLoss(settings.lambda(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray z = forward(projector, forward(encoder, batch.images())); // (2N, P)
        return loss.apply(z.get("0:" + n), z.get(n + ":"));
    }
}
