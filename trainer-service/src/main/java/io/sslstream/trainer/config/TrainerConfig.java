package io.sslstream.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Configuration of the trainer ({@code ssl.trainer.*}). */
@ConfigMapping(prefix = "ssl.trainer")
public interface TrainerConfig {

    /** Registry model the checkpoints are published under. */
    @WithDefault("fmnist-simclr")
    String modelName();

    /** Training run id; a trainer restarted with the same id belongs to the same run. */
    @WithDefault("local")
    String runId();

    /** SSL method; {@code simclr} in this version. */
    @WithDefault("simclr")
    String method();

    /** Augmenter recipe whose views are consumed ({@code ssl.views.<recipe>}). */
    @WithDefault("simclr")
    String recipe();

    /** Images per step (each contributes two views). */
    @WithDefault("256")
    int batchSize();

    /** Seed of parameter initialisation. */
    @WithDefault("0")
    long seed();

    /** {@code cpu} or {@code gpu}. */
    @WithDefault("cpu")
    String device();

    /** Stop after this many steps (0 = never; the stream is endless). */
    @WithDefault("0")
    long maxSteps();

    /** Log a progress line every this many steps. */
    @WithDefault("20")
    int logEverySteps();

    /** Input the encoder expects; views of another shape are rejected. */
    Input input();

    /** Model and optimisation hyperparameters. */
    Optim optim();

    /** Checkpointing. */
    Checkpoint checkpoint();

    /** Encoder input. */
    interface Input {
        /** Channels (1 grayscale, 3 RGB). */
        @WithDefault("1")
        int channels();

        /** Height in pixels. */
        @WithDefault("28")
        int height();

        /** Width in pixels. */
        @WithDefault("28")
        int width();

        /** Per-channel mean of pixels scaled to [0, 1] (Fashion-MNIST's by default). */
        @WithDefault("0.2860")
        List<Double> mean();

        /** Per-channel standard deviation of pixels scaled to [0, 1]. */
        @WithDefault("0.3530")
        List<Double> std();
    }

    /** Hyperparameters. */
    interface Optim {
        /** AdamW learning rate. */
        @WithDefault("1e-3")
        double learningRate();

        /** Decoupled weight decay, applied to weights only (not to biases and norms). */
        @WithDefault("0")
        double weightDecay();

        /** NT-Xent temperature. */
        @WithDefault("0.5")
        double temperature();

        /** Projection head sizes after the encoder. */
        @WithDefault("128,64")
        List<Integer> projection();
    }

    /** Checkpoints. */
    interface Checkpoint {
        /** Publish a checkpoint every this many steps. */
        @WithDefault("100")
        int everySteps();

        /** Publish a final checkpoint on shutdown if steps were made since the last one. */
        @WithDefault("true")
        boolean onShutdown();

        /** Local directory of checkpoints not yet uploaded (survives restarts; uploads resume). */
        @WithDefault("var/trainer/spool")
        Path spoolDir();

        /** Registry base URL. */
        @WithDefault("http://localhost:8081")
        URI registryUrl();

        /** Bearer token with write scope, if the registry wants one. */
        Optional<String> registryToken();
    }
}
