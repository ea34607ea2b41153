package io.sslstream.trainer.method;

import ai.djl.ndarray.NDManager;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.model.encoder.Encoders;

import java.util.Map;
import java.util.Objects;

/**
 * A method as a run trains it: which method, the encoder and input it trains, its own options, and the run's
 * planned length.
 *
 * @param definition   the method
 * @param architecture the encoder
 * @param input        input shape and normalisation
 * @param options      the method's own hyperparameters
 * @param totalSteps   planned steps of the run (0 = open-ended), for the momentum schedules of MoCo and BYOL
 */
public record MethodSettings(MethodDefinition definition, Architecture architecture, InputSpec input, MethodOptions options,
                             long totalSteps) {

    public MethodSettings {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(options, "options");
        if (definition.masked() != isVit(architecture)) {
            throw new IllegalArgumentException(definition.masked()
                    ? definition.name() + " needs a vit encoder (vit-tiny), got " + architecture.name()
                    : definition.name() + " trains convolutional encoders (small-cnn, resnet18), got " + architecture.name());
        }
        if (totalSteps < 0) {
            throw new IllegalArgumentException("total steps must not be negative, got " + totalSteps);
        }
    }

    private static boolean isVit(Architecture a) {
        return Encoders.VIT.equals(a.name()) || Encoders.VIT_TINY.equals(a.name());
    }

    /** The method's name. */
    public String method() {
        return definition.name();
    }

    /** Views per sample the method trains on. */
    public int views() {
        return definition.views();
    }

    /** Whether it trains on the view sets' patch masks. */
    public boolean needsMask() {
        return definition.masked();
    }

    /** The method's own hyperparameters, for the checkpoint manifest. */
    public Map<String, Object> describe() {
        return options.describe();
    }

    /** Builds the method; its arrays live in a sub-manager of {@code manager}. */
    public Method create(NDManager manager) {
        return options.create(this, manager);
    }

    public MethodSettings withTotalSteps(long steps) {
        return new MethodSettings(definition, architecture, input, options, steps);
    }
}
