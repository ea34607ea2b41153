package io.sslstream.augmenter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.OptionalInt;

/** Settings of the augmenter, under {@code ssl.augmenter}. */
@ConfigMapping(prefix = "ssl.augmenter")
public interface AugmenterConfig {

    /** Base of every per-sample seed: the same base seed and sample id always give the same views. */
    @WithDefault("0")
    long baseSeed();

    /** Largest image accepted, in pixels (height times width), checked before an encoded image is decompressed. */
    @WithDefault("16777216")
    long maxPixels();

    /** Samples augmented in parallel, each on its own worker thread; default: one per available processor. */
    OptionalInt workers();

    /** The {@code simclr} recipe. */
    Simclr simclr();

    /** SimCLR view pairs on {@code ssl.views.simclr}; the defaults define recipe version 1. */
    interface Simclr {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("1")
        int version();

        /** Side of the square output views in pixels; unset keeps each input's height and width. */
        OptionalInt outputSize();

        /** Smallest crop area, as a fraction of the image. */
        @WithDefault("0.5")
        double scaleMin();

        /** Largest crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double scaleMax();

        /** Smallest crop aspect ratio (width / height). */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height); 4/3. */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();

        /** Brightness and contrast factors are drawn from [1 - strength, 1 + strength]. */
        @WithDefault("0.4")
        double jitterStrength();

        /** Probability of applying the brightness/contrast jitter to a view. */
        @WithDefault("0.8")
        double jitterProbability();
    }
}
