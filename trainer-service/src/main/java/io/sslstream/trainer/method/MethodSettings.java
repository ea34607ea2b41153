package io.sslstream.trainer.method;

import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.model.encoder.Encoders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that defines a method's networks and loss. {@link #defaults} gives each method the settings that
 * suit Fashion-MNIST-sized images on a CPU (the papers' recipes, narrowed: heads of 512 instead of 2,048 to 8,192).
 *
 * @param method         {@code simclr}, {@code moco}, {@code byol}, {@code simsiam}, {@code barlow-twins}, {@code vicreg}, {@code mae}
 * @param architecture   the encoder
 * @param input          input shape and normalisation
 * @param projection     projector layer sizes (unused by MAE)
 * @param predictor      predictor layer sizes (BYOL, SimSiam)
 * @param temperature    softmax temperature (SimCLR, MoCo)
 * @param queueSize      negative keys in MoCo's queue
 * @param targetMomentum EMA momentum of MoCo's key encoder and BYOL's target at step 0 (rising to 1 over
 *                       {@code totalSteps} with a cosine, constant when that is 0)
 * @param lambda         Barlow Twins' off-diagonal weight
 * @param simCoeff       VICReg's invariance weight
 * @param varCoeff       VICReg's variance weight
 * @param covCoeff       VICReg's covariance weight
 * @param decoderDim     MAE decoder width
 * @param decoderDepth   MAE decoder layers
 * @param decoderHeads   MAE decoder attention heads
 * @param normPix        MAE: reconstruct per-patch normalised pixels
 * @param totalSteps     planned steps of the run (0 = open-ended), for the momentum schedules
 */
public record MethodSettings(String method, Architecture architecture, InputSpec input, List<Integer> projection,
                             List<Integer> predictor, double temperature, int queueSize, double targetMomentum,
                             double lambda, double simCoeff, double varCoeff, double covCoeff, int decoderDim,
                             int decoderDepth, int decoderHeads, boolean normPix, long totalSteps) {

    public static final String SIMCLR = "simclr";
    public static final String MOCO = "moco";
    public static final String BYOL = "byol";
    public static final String SIMSIAM = "simsiam";
    public static final String BARLOW_TWINS = "barlow-twins";
    public static final String VICREG = "vicreg";
    public static final String MAE = "mae";
    public static final List<String> ALL = List.of(SIMCLR, MOCO, BYOL, SIMSIAM, BARLOW_TWINS, VICREG, MAE);

    public MethodSettings {
        if (!ALL.contains(method)) {
            throw new IllegalArgumentException("unknown method '" + method + "' (known: " + String.join(", ", ALL) + ")");
        }
        projection = List.copyOf(projection);
        predictor = List.copyOf(predictor);
        if (MAE.equals(method) != isVit(architecture)) {
            throw new IllegalArgumentException(MAE.equals(method)
                    ? "mae needs a vit encoder (vit-tiny), got " + architecture.name()
                    : method + " trains convolutional encoders (small-cnn, resnet18), got " + architecture.name());
        }
        if (!MAE.equals(method) && projection.isEmpty()) {
            throw new IllegalArgumentException(method + " needs a projection head");
        }
        if ((BYOL.equals(method) || SIMSIAM.equals(method)) && predictor.isEmpty()) {
            throw new IllegalArgumentException(method + " needs a predictor head");
        }
        if (targetMomentum < 0 || targetMomentum > 1 || queueSize < 1 || totalSteps < 0) {
            throw new IllegalArgumentException("bad method settings: momentum " + targetMomentum + ", queue " + queueSize
                    + ", total steps " + totalSteps);
        }
    }

    private static boolean isVit(Architecture a) {
        return Encoders.VIT.equals(a.name()) || Encoders.VIT_TINY.equals(a.name());
    }

    /** The augmenter recipe a method consumes by default. */
    public static String defaultRecipe(String method) {
        return switch (method) {
            case BYOL, BARLOW_TWINS, VICREG -> "byol";
            case MAE -> "mae";
            default -> "simclr";
        };
    }

    /** The encoder a method trains by default ({@link Encoders#named}). */
    public static String defaultEncoder(String method) {
        return MAE.equals(method) ? Encoders.VIT_TINY : Encoders.SMALL_CNN;
    }

    public static List<Integer> defaultProjection(String method) {
        return switch (method) {
            case SIMCLR, MOCO -> List.of(128, 64);
            case BYOL -> List.of(512, 128);
            case SIMSIAM -> List.of(512, 512);
            case BARLOW_TWINS, VICREG -> List.of(512, 512, 512);
            default -> List.of();
        };
    }

    public static List<Integer> defaultPredictor(String method) {
        return switch (method) {
            case BYOL -> List.of(512, 128);
            case SIMSIAM -> List.of(128, 512);
            default -> List.of();
        };
    }

    public static double defaultTemperature(String method) {
        return MOCO.equals(method) ? 0.2 : 0.5;
    }

    /** A method's defaults on an encoder and input. */
    public static MethodSettings defaults(String method, Architecture architecture, InputSpec input) {
        return new MethodSettings(method, architecture, input, defaultProjection(method), defaultPredictor(method),
                defaultTemperature(method), 4096, 0.99, 0.0051, 25, 25, 1, 128, 2, 4, true, 0);
    }

    public MethodSettings withTotalSteps(long steps) {
        return new MethodSettings(method, architecture, input, projection, predictor, temperature, queueSize, targetMomentum,
                lambda, simCoeff, varCoeff, covCoeff, decoderDim, decoderDepth, decoderHeads, normPix, steps);
    }

    public MethodSettings withQueueSize(int size) {
        return new MethodSettings(method, architecture, input, projection, predictor, temperature, size, targetMomentum,
                lambda, simCoeff, varCoeff, covCoeff, decoderDim, decoderDepth, decoderHeads, normPix, totalSteps);
    }

    public MethodSettings withDecoder(int dim, int depth, int heads) {
        return new MethodSettings(method, architecture, input, projection, predictor, temperature, queueSize, targetMomentum,
                lambda, simCoeff, varCoeff, covCoeff, dim, depth, heads, normPix, totalSteps);
    }

    /** Views per sample the method trains on: two, or one and a patch mask (MAE). */
    public int views() {
        return MAE.equals(method) ? 1 : 2;
    }

    public boolean needsMask() {
        return MAE.equals(method);
    }

    /** The method's own hyperparameters, for the checkpoint manifest. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (method) {
            case SIMCLR -> {
                m.put("projection", projection);
                m.put("temperature", temperature);
            }
            case MOCO -> {
                m.put("projection", projection);
                m.put("temperature", temperature);
                m.put("queue_size", queueSize);
                m.put("key_momentum", targetMomentum);
            }
            case BYOL -> {
                m.put("projection", projection);
                m.put("predictor", predictor);
                m.put("target_momentum", targetMomentum);
            }
            case SIMSIAM -> {
                m.put("projection", projection);
                m.put("predictor", predictor);
            }
            case BARLOW_TWINS -> {
                m.put("projection", projection);
                m.put("lambda", lambda);
            }
            case VICREG -> {
                m.put("projection", projection);
                m.put("sim_coeff", simCoeff);
                m.put("var_coeff", varCoeff);
                m.put("cov_coeff", covCoeff);
            }
            default -> {
                m.put("decoder_dim", decoderDim);
                m.put("decoder_depth", decoderDepth);
                m.put("decoder_heads", decoderHeads);
                m.put("norm_pix_loss", normPix);
            }
        }
        return m;
    }
}
