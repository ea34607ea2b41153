package io.sslstream.contracts.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to rebuild an encoder from a checkpoint without the trainer's code path, plus what a
 * resumed run needs (optimizer state and offsets travel in the weights archive, their presence is listed
 * here). Stored by the registry with every version; field names are the JSON contract.
 *
 * @param formatVersion   {@value #FORMAT_VERSION}
 * @param modelName       registry model the checkpoint belongs to
 * @param runId           training run; a restarted trainer with the same run id resumes from the newest
 * @param method          SSL method, e.g. {@code simclr}
 * @param architecture    encoder architecture and its hyperparameters
 * @param input           input shape and the normalisation applied to uint8 pixels
 * @param step            optimizer steps done
 * @param samplesSeen     training samples (view sets) consumed
 * @param seed            the run's seed
 * @param configHash      SHA-256 of the run's effective configuration
 * @param hyperparameters method and optimizer hyperparameters (temperature, learning rate, batch...)
 * @param metrics         training metrics at this step, e.g. {@code loss}, {@code initial_loss}
 * @param offsets         consumed Kafka offsets, {@code topic/partition -> next offset}
 * @param provenance      engine and platform versions, host, trained-at (keys in {@link Provenance})
 */
public record CheckpointManifest(int formatVersion, String modelName, String runId, String method,
                                 Architecture architecture, InputSpec input, long step, long samplesSeen, long seed,
                                 String configHash, Map<String, Object> hyperparameters, Map<String, Double> metrics,
                                 Map<String, Long> offsets, Map<String, String> provenance) {

    public static final int FORMAT_VERSION = 1;

    public CheckpointManifest {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(input, "input");
        hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        offsets = offsets == null ? Map.of() : Map.copyOf(offsets);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }

    /**
     * An encoder architecture.
     *
     * @param name   e.g. {@code small-cnn}
     * @param params architecture hyperparameters, e.g. {@code widths}
     */
    public record Architecture(String name, Map<String, Object> params) {
        public Architecture {
            Objects.requireNonNull(name, "architecture.name");
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /**
     * Input of the encoder: uint8 HWC pixels become {@code (x / 255 - mean[c]) / std[c]} in CHW.
     *
     * @param channels 1 or 3
     * @param height   pixels
     * @param width    pixels
     * @param mean     per-channel mean of x / 255
     * @param std      per-channel standard deviation of x / 255
     */
    public record InputSpec(int channels, int height, int width, List<Double> mean, List<Double> std) {
        public InputSpec {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
            if (channels <= 0 || height <= 0 || width <= 0 || mean.size() != channels || std.size() != channels) {
                throw new IllegalArgumentException("bad input spec " + channels + "x" + height + "x" + width
                        + " with " + mean.size() + " means and " + std.size() + " stds");
            }
        }
    }

    /** Keys of {@link #provenance()}. */
    public static final class Provenance {
        public static final String DJL_VERSION = "djl";
        public static final String ENGINE = "engine";
        public static final String ENGINE_VERSION = "engine_version";
        public static final String DEVICE = "device";
        public static final String JAVA = "java";
        public static final String OS = "os";
        public static final String ARCH = "arch";
        public static final String HOST = "host";
        public static final String TRAINED_AT = "trained_at";
        /**
         * Datasets of the samples the run trained on since it started (the view records' {@code ssl-dataset}
         * header), sorted and comma-separated; {@value #UNKNOWN} stands for records without the header.
         */
        public static final String DATASET = "dataset";
        /** Recipes of the view sets the run trained on since it started ({@code ViewSet.recipe}), sorted, comma-separated. */
        public static final String RECIPE = "recipe";
        /** Recipe versions of those view sets ({@code ViewSet.recipeVersion}), in ascending order, comma-separated. */
        public static final String RECIPE_VERSION = "recipe_version";
        /** The git commit the writing code was built from ({@code -dirty} if the tree had changes), or {@value #UNKNOWN}. */
        public static final String CODE_VERSION = "code_version";
        /** libtorch intra-op threads of the training thread. */
        public static final String INTRA_OP_THREADS = "intra_op_threads";
        /** Step of the checkpoint the writing process resumed from (absent for a process that started fresh). */
        public static final String RESUMED_FROM_STEP = "resumed_from_step";
        /** The value of a provenance entry nobody could know (no header, a build outside git...). */
        /** Trainer replicas of the run (present only when more than one trained it: DiLoCo over the sync topic). */
        public static final String REPLICAS = "replicas";
        /** Local steps per round of a replicated run (DiLoCo's H). */
        public static final String SYNC_EVERY = "sync_every";
        /** The last sync round the weights of a replicated run are the outcome of. */
        public static final String SYNC_ROUND = "sync_round";
        /** SHA-256 of the float32 weights a replicated run's replicas all held after that round. */
        public static final String WEIGHTS_HASH = "weights_hash";
        public static final String UNKNOWN = "unknown";

        private Provenance() {
        }
    }

    /** Keys of {@link #metrics()}. */
    public static final class Metrics {
        /** Mean training loss over the last steps before the checkpoint. */
        public static final String LOSS = "loss";
        /** Mean training loss over the first steps of the run. */
        public static final String INITIAL_LOSS = "initial_loss";
        /** Learning rate of the step after the checkpoint. */
        public static final String LEARNING_RATE = "learning_rate";

        private Metrics() {
        }
    }
}
