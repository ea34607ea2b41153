package io.sslstream.eval.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the evaluator ({@code ssl.eval.*}). */
@ConfigMapping(prefix = "ssl.eval")
public interface EvalConfig {

    /** Base URL of the registry the checkpoints are downloaded from and the results posted to. */
    @WithDefault("http://localhost:8081")
    URI registryUrl();

    /** Bearer token (write scope, to post results), if the registry wants one. */
    Optional<String> registryToken();

    /** Timeout of one registry request (a weights download included). */
    @WithDefault("PT5M")
    Duration registryTimeout();

    /**
     * Waiting for a dependency that is unavailable (the registry unreachable, timing out or answering 5xx/429; the
     * broker refusing or timing out the publish of {@code ssl.evaluations}; no work directory): the call is made
     * again, as long as it takes, and the event is never given up for it.
     */
    DependencyRetry dependencyRetry();

    /**
     * Liveness reports DOWN when one event has been worked on for longer than this, not counting the time spent
     * waiting for a dependency (a hung evaluation; the first one on 70,000 images takes minutes, not half an hour).
     */
    @WithDefault("PT30M")
    Duration stuckAfter();

    /** The labelled evaluation set. */
    Dataset dataset();

    /** Protocols run on every checkpoint, in this order: {@code linear}, {@code linear@N}, {@code knn@20}, {@code knn@200}, {@code knn@K:T}. */
    @WithDefault("linear,linear@10,linear@100,knn@20,knn@200")
    List<String> protocols();

    /** Evaluate raw pixels (pixels / 255) with the same protocols once per dataset and report them with every evaluation. */
    @WithDefault("true")
    boolean rawPixelBaseline();

    /**
     * Evaluate a randomly initialised encoder of each checkpoint's architecture (and input normalisation) with the
     * same protocols, once per architecture, and report it with every evaluation (feature set {@code random-init}).
     */
    @WithDefault("true")
    boolean randomInitBaseline();

    /** Seed of the random-init baseline's parameter initialisation (stored with its results as {@code init_seed}). */
    @WithDefault("0")
    int randomInitSeed();

    /** Moving the {@code champion} alias (or this evaluator's own) to the best evaluated version. */
    Champion champion();

    /**
     * Consumer group of the checkpoint events ({@code mp.messaging.incoming.checkpoints.group.id} follows it). The
     * evaluators of one dataset share a group; an evaluator of another dataset needs a group of its own, or the two
     * would split the events between them.
     */
    @WithDefault("eval")
    String groupId();

    /**
     * Before an evaluation found in the registry is published again (a restart between storing and publishing),
     * {@code ssl.evaluations} is searched for it from its timestamp minus this much (clock skew between the
     * evaluator and the broker).
     */
    @WithDefault("PT5M")
    Duration publishedCheckSlack();

    /**
     * Directory where the encoder's features of every evaluation are written as NumPy files
     * ({@code <model>-v<version>/{train,test}_{x,y}.npy}), to check the protocols with another library; off when unset.
     */
    Optional<Path> featuresExportDir();

    /** Images per forward pass of feature extraction. */
    @WithDefault("500")
    int batchSize();

    /** {@code cpu} or {@code gpu}: where features, probes and kNN are computed. */
    @WithDefault("cpu")
    String device();

    /** Directory for downloaded checkpoints, deleted after each evaluation; the system temp directory when unset. */
    Optional<Path> workDir();

    /** Linear probe ({@code linear} and {@code linear@N}). */
    Linear linear();

    /** Few-label protocols ({@code linear@N}). */
    FewLabel fewLabel();

    /** kNN protocols. */
    Knn knn();

    /** Evaluations and versions listed by {@code GET /api/v1/status}. */
    @WithDefault("20")
    int statusHistory();

    /** Back-off between the attempts of a call to an unavailable dependency. */
    interface DependencyRetry {
        /** Wait after the first failed attempt; doubled after each further one. */
        @WithDefault("PT1S")
        Duration initialBackoff();

        /** Longest wait between two attempts. */
        @WithDefault("PT30S")
        Duration maxBackoff();
    }

    /** The labelled evaluation set. */
    interface Dataset {
        /** {@code idx} (an images and a labels file per split) or {@code folder} ({@code train/<class>/*}, {@code test/<class>/*}). */
        @WithDefault("idx")
        String format();

        /**
         * Name reported with every result (the dataset id is {@code name@train/test}); default {@code fashion-mnist}
         * for {@code idx}, the directory's name for {@code folder}.
         */
        Optional<String> name();

        /** Directory with the IDX files, or the image folder holding {@code train/} and {@code test/}. */
        @WithDefault("/usr/share/datasets/fashion-mnist")
        Path dir();

        /** IDX: train images file in {@code dir} (also found with {@code .gz} appended). */
        @WithDefault("train-images-idx3-ubyte")
        String trainImages();

        /** IDX: train labels file. */
        @WithDefault("train-labels-idx1-ubyte")
        String trainLabels();

        /** IDX: test images file. */
        @WithDefault("t10k-images-idx3-ubyte")
        String testImages();

        /** IDX: test labels file. */
        @WithDefault("t10k-labels-idx1-ubyte")
        String testLabels();

        /** Folder: channels the images are decoded to (1 or 3); default those of the first train image (gray: 1). */
        Optional<Integer> channels();

        /**
         * Folder: {@code HxW} every image is resized to (bilinear); unset, every image must have the first train
         * image's size and start-up fails naming the first one that does not.
         */
        Optional<String> imageSize();

        /** Train items used: the first ones of an IDX file; of a folder, one image of each class in turn. */
        @WithDefault("60000")
        int maxTrain();

        /** Test items used, as for {@code max-train}. */
        @WithDefault("10000")
        int maxTest();
    }

    /** Moving the {@code champion} alias. */
    interface Champion {
        /** Move the alias at all (off: this evaluator only stores and publishes its evaluations). */
        @WithDefault("true")
        boolean enabled();

        /**
         * The alias this evaluator moves, decided on its own dataset alone: an evaluator on a second dataset moves an
         * alias of its own (e.g. {@code champion-shop}), never another dataset's. Lower case, {@code [a-z][a-z0-9._-]*}.
         */
        @WithDefault("champion")
        String alias();

        /** The protocol that decides, on the encoder's features (one of {@code protocols}). */
        @WithDefault("linear")
        String protocol();

        /** A version becomes champion when its accuracy exceeds the champion's by more than this (a fraction, not points). */
        @WithDefault("0.002")
        double margin();
    }

    /** Linear probe settings (the peer's defaults). */
    interface Linear {
        /** L2 penalty {@code 0.5 * wd * ||W||^2} on the weights (not the bias). */
        @WithDefault("1e-4")
        double weightDecay();

        /** L-BFGS iterations at most (evaluations at most 5/4 of this, as in PyTorch). */
        @WithDefault("300")
        int maxIterations();

        /** L-BFGS correction pairs kept. */
        @WithDefault("20")
        int history();

        /** Stop when the largest absolute gradient component is at most this. */
        @WithDefault("1e-7")
        double toleranceGrad();

        /** Stop when the step or the change of the objective is below this. */
        @WithDefault("1e-10")
        double toleranceChange();
    }

    /** Few-label draws. */
    interface FewLabel {
        /** Seeds of the label draws; {@code linear@N} reports the mean and standard deviation over them. */
        @WithDefault("0,1,2")
        List<Long> seeds();

        /**
         * The L2 penalties a draw chooses from, by cross-validation on its own labels (one value: that penalty, no
         * choice).
         */
        @WithDefault("1e-4,1e-3,1e-2,3e-2,1e-1,3e-1")
        List<Double> weightDecays();

        /** Stratified folds of a draw that choose its penalty; {@code linear@N} then needs N >= folds. */
        @WithDefault("5")
        int folds();
    }

    /** kNN settings. */
    interface Knn {
        /** Test rows per block of the similarity matrix (a block holds rows x train items floats). */
        @WithDefault("1000")
        int chunkRows();
    }
}
