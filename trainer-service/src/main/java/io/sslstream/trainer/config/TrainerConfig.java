package io.sslstream.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the trainer ({@code ssl.trainer.*}). */
@ConfigMapping(prefix = "ssl.trainer")
public interface TrainerConfig {

    /** Registry model the checkpoints are published under. */
    @WithDefault("fmnist-simclr")
    String modelName();

    /** Training run id; a trainer restarted with the same id resumes the run from its newest checkpoint. */
    @WithDefault("local")
    String runId();

    /**
     * SSL method: {@code simclr}, {@code moco}, {@code byol}, {@code simsiam}, {@code barlow-twins}, {@code vicreg},
     * {@code mae} (the list is {@link io.sslstream.trainer.method.Methods#ALL}; each method's own keys,
     * {@code ssl.trainer.<method>.*}, are a {@code @ConfigMapping} in its file).
     */
    @WithDefault("simclr")
    String method();

    /**
     * Augmenter recipe whose views are consumed ({@code ssl.views.<recipe>}); the default is the method's
     * (simclr, moco, simsiam: {@code simclr}; byol, barlow-twins, vicreg: {@code byol}; mae: {@code mae}), see
     * {@link MethodDefaultsConfigSourceFactory}.
     */
    @WithDefault("simclr")
    String recipe();

    /** Encoder: {@code small-cnn}, {@code resnet18} or {@code vit-tiny}; default {@code vit-tiny} for mae, else {@code small-cnn}. */
    Optional<String> encoder();

    /**
     * The small CNN's four widths, e.g. {@code 32,64,128,256} for 256 features instead of the default 128; only with
     * {@code small-cnn}. Part of the architecture: a run cannot resume a checkpoint of other widths.
     */
    Optional<List<Integer>> encoderWidths();

    /** Images per step (each contributes its views). */
    @WithDefault("256")
    int batchSize();

    /** Seed of parameter initialisation. */
    @WithDefault("0")
    long seed();

    /**
     * {@code cpu} or {@code gpu} (DJL's first GPU; fails at start when the engine sees none). The GPU path needs the
     * CUDA flavour of libtorch in the image (docs/operations.md, "GPU trainers"); it cannot be run on the machines
     * this was built on (no GPU), so only the CPU path is tested.
     */
    @WithDefault("cpu")
    String device();

    /** libtorch intra-op threads of the training thread; 0 = every core the JVM sees. */
    @WithDefault("0")
    int threads();

    /**
     * Prepare the next batch (take it from the queue, normalise its pixels into an input buffer) on a thread of its
     * own while the current step runs; false does it on the training thread between steps.
     */
    @WithDefault("true")
    boolean prefetch();

    /** Stop after this many steps of the run, counting steps before a resume (0 = never; the stream is endless). */
    @WithDefault("0")
    long maxSteps();

    /**
     * Steps in a row whose loss or gradients are NaN or infinite before the run stops as failed. Each such step is
     * skipped (no weight changes, logged, counted in {@code ssl_trainer_nonfinite_steps_total}); this many in a row
     * means the run cannot go on, and it stops without writing another checkpoint.
     */
    @WithDefault("20")
    int maxNonfiniteSteps();

    /** Log a progress line every this many steps. */
    @WithDefault("20")
    int logEverySteps();

    /** Input the encoder expects; views of another shape are rejected. */
    Input input();

    /** Optimizer, schedule and heads. */
    Optim optim();

    /** Checkpointing. */
    Checkpoint checkpoint();

    /** Resuming a run from its newest checkpoint. */
    Resume resume();

    /**
     * Trainer replicas of the run (data-parallel, synchronised every {@code sync.every} steps with DiLoCo over the sync
     * topic; docs/architecture.md, "Trainer replicas"). 1 trains alone and never touches the sync topic.
     */
    @WithDefault("1")
    int replicas();

    /**
     * This replica's id, {@code 0 .. replicas - 1}; by default the number the host name ends with (a StatefulSet's pod
     * {@code trainer-2} is replica 2), else 0.
     */
    Optional<Integer> replicaId();

    /** How replicas synchronise (used only when {@code replicas > 1}). */
    Sync sync();

    /** DiLoCo's rounds. */
    interface Sync {
        /** Local steps per round (H): every replica sends its pseudo-gradient after this many of its own steps. */
        @WithDefault("100")
        int every();

        /**
         * How long a replica waits for the others after sending its pseudo-gradient; then it closes the round without
         * the missing ones (they take the members' outer step when they come back).
         */
        @WithDefault("60s")
        Duration timeout();

        /** The outer Nesterov SGD's learning rate (DiLoCo's 0.7). */
        @WithDefault("0.7")
        double outerLearningRate();

        /** The outer Nesterov SGD's momentum (DiLoCo's 0.9). */
        @WithDefault("0.9")
        double outerMomentum();

        /** The sync topic: one partition, shared by every replicated run (records are keyed by run). */
        @WithDefault("ssl.trainer.sync")
        String topic();

        /** Largest record value (a chunk of FP16 pseudo-gradient); under the broker's 1 MiB message limit. */
        @WithDefault("262144")
        int chunkBytes();
    }

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

    /** Optimizer and heads. */
    interface Optim {
        /** {@code adamw}, {@code sgd} (momentum, optionally Nesterov) or {@code lars}. */
        @WithDefault("adamw")
        String name();

        /** Peak learning rate. */
        @WithDefault("1e-3")
        double learningRate();

        /** Weight decay, applied to weights only (not to biases, norms and embeddings); decoupled for AdamW. */
        @WithDefault("0")
        double weightDecay();

        /** Momentum of SGD and LARS. */
        @WithDefault("0.9")
        double momentum();

        /** Nesterov momentum (SGD). */
        @WithDefault("false")
        boolean nesterov();

        /** LARS trust coefficient (eta). */
        @WithDefault("0.02")
        double trustCoefficient();

        /** AdamW's beta1. */
        @WithDefault("0.9")
        double beta1();

        /** AdamW's beta2. */
        @WithDefault("0.999")
        double beta2();

        /** Learning-rate schedule by step. */
        Schedule schedule();

        /** Softmax temperature of SimCLR (default 0.5) and MoCo (default 0.2); the method's default when unset. */
        Optional<Double> temperature();

        /** Projection head sizes after the encoder; the method's default when unset (e.g. 128,64 for SimCLR). */
        Optional<List<Integer>> projection();

        /** Predictor sizes of BYOL (default 512,128) and SimSiam (default 128,512); the method's default when unset. */
        Optional<List<Integer>> predictor();
    }

    /** Linear warm-up, then a half cosine to a floor. */
    interface Schedule {
        /** Steps of linear warm-up. */
        @WithDefault("0")
        long warmupSteps();

        /** Step at which the cosine reaches its floor; 0 = {@code max-steps} when set, else no decay (open-ended stream). */
        @WithDefault("0")
        long totalSteps();

        /** The floor, as a fraction of the peak learning rate. */
        @WithDefault("0")
        double finalFraction();
    }

    /** Checkpoints. */
    interface Checkpoint {
        /** Publish a checkpoint every this many steps. */
        @WithDefault("100")
        int everySteps();

        /**
         * Also publish one when this much time has passed since the last checkpoint (or since training started), so
         * that a slow trainer publishes too; {@code 0} = by steps only.
         */
        @WithDefault("2m")
        Duration interval();

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

    /** Resume. */
    interface Resume {
        /** Look for the run's newest checkpoint (registry and spool) at start and continue from it. */
        @WithDefault("true")
        boolean enabled();

        /** Longest wait between attempts while the registry is unreachable at start. */
        @WithDefault("30s")
        Duration maxBackoff();
    }
}
