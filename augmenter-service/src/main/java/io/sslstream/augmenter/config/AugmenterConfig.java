package io.sslstream.augmenter.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sslstream.augmenter.augment.GaussianBlur;
import io.sslstream.augmenter.augment.RandomResizedCrop;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Settings of the augmenter, under {@code ssl.augmenter}. The recipe defaults define version 1 of each recipe
 * (version 2 of simclr):
 * change a recipe's parameters and raise its {@code version} with them, so that consumers can tell the views apart.
 */
@ConfigMapping(prefix = "ssl.augmenter")
public interface AugmenterConfig {

    /** Base of every per-sample seed: the same base seed and sample id always give the same views. */
    @WithDefault("0")
    long baseSeed();

    /** Largest image accepted, in pixels (height times width), checked before an encoded image is decompressed. */
    @WithDefault("16777216")
    long maxPixels();

    /**
     * Largest encoded view set, in bytes; a sample whose view set of some recipe would be larger is dead-lettered
     * ({@code augment.output-too-large}) before it is augmented. Keep it below the producer's {@code max.request.size}
     * and the view topics' {@code max.message.bytes} (1 MiB by default).
     */
    @WithDefault("1000000")
    int maxOutputBytes();

    /**
     * CPU time one sample may take on its worker thread, decoding and every recipe included; a sample that needs more
     * is stopped and dead-lettered ({@code augment.cpu-time-limit}), so that a few slow hostile images cannot hold the
     * workers. The largest images the other limits let through decode in well under a second.
     */
    @WithDefault("2s")
    Duration maxSampleCpuTime();

    /** Samples augmented in parallel, each on its own worker thread; default: one per available processor. */
    OptionalInt workers();

    /** The recipes that run, each writing to {@code ssl.views.<name>}: any of simclr, byol, multicrop, mae, windowing. */
    @WithDefault("simclr")
    List<String> active();

    /** Parameters of each recipe. */
    RecipesConfig recipes();

    /** REST ingestion, {@code POST /api/v1/samples}. */
    Ingest ingest();

    /** The stream: {@code ssl.samples.raw} in, view sets and dead letters out ({@code messaging.SampleStream}). */
    Stream stream();

    /** The recipes' parameters. */
    interface RecipesConfig {

        /** {@code simclr}: two views alike. */
        Simclr simclr();

        /** {@code byol}: two asymmetric views. */
        Byol byol();

        /** {@code multicrop}: global and local crops. */
        Multicrop multicrop();

        /** {@code mae}: one view and a patch mask. */
        Mae mae();

        /** {@code windowing}: two views of medical images, each through its own jittered window. */
        WindowingRecipe windowing();
    }

    /**
     * SimCLR view pairs on {@code ssl.views.simclr}; the defaults define version 2. Version 1 (the walking skeleton's)
     * is these defaults with {@code version=1} and {@code interpolation=float32}. Both outputs are pinned by tests.
     */
    interface Simclr {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("2")
        int version();

        /** Arithmetic of the resize: fixed-point (within one gray level of float32, faster) or float32 (PyTorch's). */
        @WithDefault("fixed-point")
        RandomResizedCrop.Interpolation interpolation();

        /** Side of the square output views in pixels; unset keeps each input's height and width. */
        OptionalInt outputSize();

        /** Smallest crop area, as a fraction of the image. */
        @WithDefault("0.5")
        double scaleMin();

        /** Largest crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double scaleMax();

        /** Smallest crop aspect ratio (width / height); 3/4. */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height); 4/3. */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();

        /** Probability of applying the colour jitter to a view. */
        @WithDefault("0.8")
        double jitterProbability();

        /** Brightness factors are drawn from [1 - b, 1 + b]; 0 turns brightness off. */
        @WithDefault("0.4")
        double brightness();

        /** Contrast factors are drawn from [1 - c, 1 + c]; 0 turns contrast off. */
        @WithDefault("0.4")
        double contrast();

        /** Saturation factors are drawn from [1 - s, 1 + s] (RGB only); 0 turns saturation off. */
        @WithDefault("0.0")
        double saturation();

        /** Hue shifts are drawn from [-h, h] of a full turn, h at most 0.5 (RGB only); 0 turns hue off. */
        @WithDefault("0.0")
        double hue();

        /** Probability of turning an RGB view gray. */
        @WithDefault("0.0")
        double grayscaleProbability();
    }

    /**
     * BYOL view pairs on {@code ssl.views.byol}: two asymmetric views (BYOL paper, table 6); the defaults define version
     * 2. Version 1 is these defaults with {@code version=1} and {@code blur-arithmetic=float32}. Both outputs are pinned
     * by tests.
     */
    interface Byol {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("2")
        int version();

        /** Arithmetic of the resize: fixed-point (within one gray level of float32, faster) or float32 (PyTorch's). */
        @WithDefault("fixed-point")
        RandomResizedCrop.Interpolation interpolation();

        /** Side of the square output views in pixels; unset keeps each input's height and width. */
        OptionalInt outputSize();

        /** Smallest crop area, as a fraction of the image. */
        @WithDefault("0.08")
        double scaleMin();

        /** Largest crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double scaleMax();

        /** Smallest crop aspect ratio (width / height). */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height). */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();

        /** Probability of applying the colour jitter to a view. */
        @WithDefault("0.8")
        double jitterProbability();

        /** Brightness factors are drawn from [1 - b, 1 + b]. */
        @WithDefault("0.4")
        double brightness();

        /** Contrast factors are drawn from [1 - c, 1 + c]. */
        @WithDefault("0.4")
        double contrast();

        /** Saturation factors are drawn from [1 - s, 1 + s] (RGB only). */
        @WithDefault("0.2")
        double saturation();

        /** Hue shifts are drawn from [-h, h] of a full turn (RGB only). */
        @WithDefault("0.1")
        double hue();

        /** Probability of turning an RGB view gray. */
        @WithDefault("0.2")
        double grayscaleProbability();

        /** Blur probability of view 1 and view 2. */
        @WithDefault("1.0,0.1")
        List<Double> blurProbabilities();

        /** Smallest blur sigma, in pixels. */
        @WithDefault("0.1")
        double blurSigmaMin();

        /** Largest blur sigma, in pixels. */
        @WithDefault("2.0")
        double blurSigmaMax();

        /** Odd blur kernel size; unset: about a tenth of the view's shorter side, at least 3. */
        OptionalInt blurKernelSize();

        /** Arithmetic of the blur: fixed-point (within one level of float32, several times faster) or float32 (torchvision's). */
        @WithDefault("fixed-point")
        GaussianBlur.Arithmetic blurArithmetic();

        /** Solarization probability of view 1 and view 2. */
        @WithDefault("0.0,0.2")
        List<Double> solarizeProbabilities();

        /** Channel values at or above this are inverted by solarization. */
        @WithDefault("128")
        int solarizeThreshold();
    }

    /** Multi-crop view sets on {@code ssl.views.multicrop}: global crops, then local crops (SwAV, DINO). */
    interface Multicrop {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("1")
        int version();

        /** Arithmetic of the resize: fixed-point (within one gray level of float32, faster) or float32 (PyTorch's). */
        @WithDefault("fixed-point")
        RandomResizedCrop.Interpolation interpolation();

        /** Number of global crops, the first views of each set. */
        @WithDefault("2")
        int globalCount();

        /** Side of the square global crops in pixels; unset keeps each input's height and width. */
        OptionalInt globalSize();

        /** Smallest global crop area, as a fraction of the image. */
        @WithDefault("0.4")
        double globalScaleMin();

        /** Largest global crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double globalScaleMax();

        /** Number of local crops, after the global ones. */
        @WithDefault("4")
        int localCount();

        /** Side of the square local crops in pixels; unset: 3/7 of each input's height and width (12 for 28). */
        OptionalInt localSize();

        /** Smallest local crop area, as a fraction of the image. */
        @WithDefault("0.05")
        double localScaleMin();

        /** Largest local crop area, as a fraction of the image. */
        @WithDefault("0.4")
        double localScaleMax();

        /** Smallest crop aspect ratio (width / height). */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height). */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();

        /** Probability of applying the colour jitter to a view. */
        @WithDefault("0.8")
        double jitterProbability();

        /** Brightness factors are drawn from [1 - b, 1 + b]. */
        @WithDefault("0.4")
        double brightness();

        /** Contrast factors are drawn from [1 - c, 1 + c]. */
        @WithDefault("0.4")
        double contrast();

        /** Saturation factors are drawn from [1 - s, 1 + s] (RGB only). */
        @WithDefault("0.2")
        double saturation();

        /** Hue shifts are drawn from [-h, h] of a full turn (RGB only). */
        @WithDefault("0.1")
        double hue();

        /** Probability of turning an RGB view gray. */
        @WithDefault("0.2")
        double grayscaleProbability();
    }

    /** Masked-image-modelling samples on {@code ssl.views.mae}: one view and its patch mask. */
    interface Mae {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("1")
        int version();

        /** Arithmetic of the resize: fixed-point (within one gray level of float32, faster) or float32 (PyTorch's). */
        @WithDefault("fixed-point")
        RandomResizedCrop.Interpolation interpolation();

        /** Side of the square output view in pixels; unset keeps each input's height and width. */
        OptionalInt outputSize();

        /** Smallest crop area, as a fraction of the image (the MAE paper's 0.2). */
        @WithDefault("0.2")
        double scaleMin();

        /** Largest crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double scaleMax();

        /** Smallest crop aspect ratio (width / height). */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height). */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();

        /** Side of a mask patch in pixels (4 or 7 divide 28; edge patches are partial otherwise). */
        @WithDefault("4")
        int patchSize();

        /** Fraction of the patches masked: exactly round(ratio * patches) of them. */
        @WithDefault("0.75")
        double maskRatio();
    }

    /**
     * View pairs of medical images on {@code ssl.views.windowing}: each view through its own window level/width (16-bit
     * frames from their DICOM window or their own range; 8-bit images from the identity window), then crop and flip.
     * The defaults define version 1.
     */
    interface WindowingRecipe {

        /** Recipe version written into every view set; raise it whenever another key of this group changes. */
        @WithDefault("1")
        int version();

        /** Arithmetic of the resize: fixed-point (within one gray level of float32, faster) or float32 (PyTorch's). */
        @WithDefault("fixed-point")
        RandomResizedCrop.Interpolation interpolation();

        /** Side of the square output view in pixels (the trainer's input size); unset keeps each input's height and width. */
        OptionalInt outputSize();

        /** Probability that a view's window is jittered (else it is the frame's own). */
        @WithDefault("0.8")
        double windowProbability();

        /** Largest shift of the window centre, as a fraction of the window width, either way. */
        @WithDefault("0.1")
        double centerShift();

        /** Smallest factor on the window width (drawn log-uniformly). */
        @WithDefault("0.6")
        double widthScaleMin();

        /** Largest factor on the window width. */
        @WithDefault("1.6")
        double widthScaleMax();

        /** Smallest crop area, as a fraction of the image. */
        @WithDefault("0.4")
        double scaleMin();

        /** Largest crop area, as a fraction of the image. */
        @WithDefault("1.0")
        double scaleMax();

        /** Smallest crop aspect ratio (width / height). */
        @WithDefault("0.75")
        double ratioMin();

        /** Largest crop aspect ratio (width / height). */
        @WithDefault("1.3333333333333333")
        double ratioMax();

        /** Probability of a horizontal flip. */
        @WithDefault("0.5")
        double flipProbability();
    }

    /** {@code POST /api/v1/samples}: images and raw pixels in over HTTP, out to {@code ssl.samples.raw}. */
    interface Ingest {

        /** Largest accepted image or pixel payload, in bytes (a record must fit the raw topic's max.message.bytes). */
        @WithDefault("1000000")
        int maxBytes();

        /** Most images in one multipart batch. */
        @WithDefault("256")
        int maxBatch();

        /** Dataset name of samples posted without one. */
        @WithDefault("rest")
        String dataset();

        /** How long a request waits for the broker to store its samples before it answers 503. */
        @WithDefault("30s")
        Duration sendTimeout();
    }

    /**
     * The stream's Kafka clients. Connection settings (bootstrap servers, security) are Kafka's own, under {@code kafka.*}
     * as for every Kafka client of the service; what keeps data (acks from all in-sync replicas, an idempotent producer,
     * offsets committed by the stream only behind stored outputs) is not configurable.
     */
    interface Stream {

        /** Consumer group of the augmenters: replicas share the partitions of {@code ssl.samples.raw}. */
        @WithDefault("ssl-augmenter")
        String groupId();

        /**
         * Most raw samples in one batch ({@code max.poll.records}): a batch is augmented by all workers together and its
         * outputs sent in record order. Larger batches cost less per record; at most three batches are in flight.
         */
        @WithDefault("256")
        int maxBatch();

        /**
         * How often the offsets of finished batches are committed (and at every rebalance and shutdown). A crash
         * re-augments what was finished since the last commit: the same views again, as they are a pure function of the
         * record.
         */
        @WithDefault("1s")
        Duration commitInterval();

        /**
         * Compression of the records written (view sets and dead letters): {@code none}, {@code lz4} or {@code zstd}.
         * None by default: views of photographs shrink by only 7-15% with lz4, which then takes about a fifth of the
         * augmenter's CPU (docs/benchmarks.md, {@code bench:augmenter}); lz4 pays where bytes matter more than cores
         * (28x28 gray views shrink by a third, at no measurable CPU cost).
         */
        @WithDefault("none")
        String compression();

        /** The producer's {@code batch.size} in bytes: larger batches compress better and cost fewer requests. */
        @WithDefault("262144")
        int producerBatchBytes();

        /** The producer's {@code linger.ms}: a few milliseconds are nothing next to a training step. */
        @WithDefault("5")
        int lingerMs();
    }
}
