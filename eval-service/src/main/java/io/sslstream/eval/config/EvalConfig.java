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

    /** Attempts of a registry call that fails transiently (unreachable, 5xx, 429) before the event is given up (nacked). */
    @WithDefault("4")
    int registryAttempts();

    /** Wait before the first retry of a registry call; doubled before each further one. */
    @WithDefault("PT1S")
    Duration registryBackoff();

    /** The labelled evaluation set. */
    Dataset dataset();

    /** Protocols run on every checkpoint, in this order: {@code linear}, {@code linear@N}, {@code knn@20}, {@code knn@200}, {@code knn@K:T}. */
    @WithDefault("linear,linear@100,knn@20,knn@200")
    List<String> protocols();

    /** Evaluate raw pixels (pixels / 255) with the same protocols once per dataset and report them with every evaluation. */
    @WithDefault("true")
    boolean rawPixelBaseline();

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

    /** The labelled evaluation set. */
    interface Dataset {
        /** Dataset name as reported with every result; {@code fashion-mnist} in this version. */
        @WithDefault("fashion-mnist")
        String name();

        /** Directory with the dataset's files ({@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}). */
        @WithDefault("/usr/share/datasets/fashion-mnist")
        Path dir();

        /** Train items used, from the start of the train split. */
        @WithDefault("60000")
        int maxTrain();

        /** Test items used, from the start of the test split. */
        @WithDefault("10000")
        int maxTest();
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
    }

    /** kNN settings. */
    interface Knn {
        /** Test rows per block of the similarity matrix (a block holds rows x train items floats). */
        @WithDefault("1000")
        int chunkRows();
    }
}
