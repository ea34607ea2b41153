package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.sslstream.model.encoder.Encoders;

/**
 * SimCLR (Chen et al. 2020): both views through encoder and projection MLP in one batch, NT-Xent over the
 * {@code 2N} projections. The projection head is the walking skeleton's ({@code Linear-ReLU-Linear}, no BatchNorm,
 * as in the PyTorch peer), so its checkpoints stay readable.
 */
public final class SimClr extends Method {

    private final Block projector;
    private final NtXentLoss loss;

    public SimClr(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Encoders.mlp(settings.projection()), featureShape());
        loss = new NtXentLoss(settings.temperature(), manager);
    }

    @Override
    public NDArray loss(Batch batch) {
        NDArray h = forward(encoder, batch.images()); // (2N, D)
        NDArray z = forward(projector, h); // (2N, P)
        return loss.apply(z);
    }
}
