package io.sslstream.trainer.method;

import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * A method's own hyperparameters, only those it uses (a record in the method's file, read from the configuration by
 * its {@link MethodDefinition}): what a checkpoint's manifest records of them, and the method they build.
 */
public interface MethodOptions {

    /**
     * The hyperparameters as the checkpoint manifest records them ({@code snake_case} keys, a stable order): part of
     * the run's config hash, and compared on resume.
     */
    Map<String, Object> describe();

    /** Builds the method on the run's encoder and input; its arrays live in a sub-manager of {@code manager}. */
    Method create(MethodSettings settings, NDManager manager);
}
