package io.sslstream.trainer;

import ai.djl.pytorch.jni.JniUtils;
import io.sslstream.model.Engines;

/**
 * libtorch's intra-op thread pool as the training thread sees it. libtorch keeps the count per calling thread
 * (OpenMP), so the training thread sets it for itself, whatever the engine set on the thread that loaded it.
 */
public final class Threads {

    private Threads() {
    }

    /**
     * Sets the calling thread's intra-op threads to {@code requested}, or to every core the JVM sees when it is 0.
     *
     * @return the count libtorch reports afterwards
     */
    public static int configure(int requested) {
        Engines.pytorch();
        int n = requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
        if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
        return JniUtils.getNumThreads();
    }

    /** Intra-op threads of the calling thread. */
    public static int intraOp() {
        Engines.pytorch();
        return JniUtils.getNumThreads();
    }

    /** Inter-op threads (one pool per process). */
    public static int interOp() {
        Engines.pytorch();
        return JniUtils.getNumInteropThreads();
    }
}
