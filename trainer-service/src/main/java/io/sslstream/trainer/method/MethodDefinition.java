package io.sslstream.trainer.method;

import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the trainer knows of an SSL method before it builds one. Every method declares its definition in its own file
 * ({@link SimClr#DEFINITION} and the others), next to its options, its networks and its loss; {@link Methods#ALL}
 * lists them. A new method is a new file and one line in that list.
 *
 * @param name           the value of {@code ssl.trainer.method}, and the manifest's method
 * @param views          views per sample it trains on (the first ones of a view set; further views are not used)
 * @param masked         it trains on the augmenter's patch mask, so on a ViT encoder (the mask is on its patch grid);
 *                       the other methods train convolutional encoders
 * @param defaultRecipe  recipe read ({@code ssl.views.<recipe>}) when {@code ssl.trainer.recipe} is not set
 * @param defaultEncoder encoder ({@code Encoders.named}) when {@code ssl.trainer.encoder} is not set
 * @param stateShaping   keys of its {@link MethodOptions#describe() hyperparameters} that shape a checkpoint's state:
 *                       a run with other values cannot resume the checkpoint
 * @param configMapping  its {@code @ConfigMapping} of {@code ssl.trainer.<name>.*}, if it has keys of its own
 * @param options        reads its options from the configuration
 */
public record MethodDefinition(String name, int views, boolean masked, String defaultRecipe, String defaultEncoder,
                               Set<String> stateShaping, Optional<Class<?>> configMapping,
                               Function<MethodConfig, MethodOptions> options) {

    public MethodDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultRecipe, "defaultRecipe");
        Objects.requireNonNull(defaultEncoder, "defaultEncoder");
        Objects.requireNonNull(configMapping, "configMapping");
        Objects.requireNonNull(options, "options");
        stateShaping = Set.copyOf(stateShaping);
        if (views < 1) {
            throw new IllegalArgumentException(name + ": a method trains on at least one view, got " + views);
        }
    }

    /** The method on an encoder and input, its options read from {@code config}; no planned length (open-ended). */
    public MethodSettings settings(Architecture architecture, InputSpec input, MethodConfig config) {
        return new MethodSettings(this, architecture, input, options.apply(config), 0);
    }

    /** The method on an encoder and input with its default options. */
    public MethodSettings defaults(Architecture architecture, InputSpec input) {
        return settings(architecture, input, MethodConfig.defaults());
    }
}
