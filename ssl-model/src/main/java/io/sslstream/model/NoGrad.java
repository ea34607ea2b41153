package io.sslstream.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's {@code torch.no_grad()} for a block of code: no autograd graph is recorded, and parameters can be
 * updated in place. Grad mode is per thread in libtorch and starts enabled on every new thread, so code that
 * must not record (inference, optimizer updates) cannot rely on what the engine set at start-up.
 *
 * <pre>{@code try (NoGrad ignored = NoGrad.enter()) { ... } }</pre>
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    private NoGrad() {
        Engines.pytorch();
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
