package io.sslstream.eval;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.config.EvalConfig;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.eval.protocol.Lbfgs;
import io.sslstream.eval.protocol.ProtocolSpec;
import io.sslstream.eval.protocol.ProtocolSuite;
import io.sslstream.eval.protocol.Standardizer;
import io.sslstream.model.Engines;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every evaluation needs and start-up can check: the labelled dataset in memory, the PyTorch engine and
 * device, the parsed protocol list and the suite that runs it, and the raw-pixel baseline (computed once per
 * dataset, on first use, then reported with every evaluation). A missing dataset or a bad protocol name fails
 * start-up with the reason, instead of failing every event.
 */
@Startup
@ApplicationScoped
public class Evaluator {

    /** Feature set of the checkpoint's own results. */
    public static final String ENCODER = "encoder";
    /** Feature set of the raw-pixel baseline. */
    public static final String RAW_PIXELS = "raw-pixels";

    @Inject
    EvalConfig config;
    @Inject
    EvalMetrics metrics;

    private LabelledDataset dataset;
    private Device device;
    private List<ProtocolSpec> specs;
    private ProtocolSuite suite;
    private volatile List<ProtocolResult> baselines;

    @PostConstruct
    void init() {
        specs = ProtocolSpec.parseAll(config.protocols());
        if (config.batchSize() < 1) {
            throw new IllegalArgumentException("ssl.eval.batch-size must be >= 1, got " + config.batchSize());
        }
        EvalConfig.Dataset d = config.dataset();
        try {
            dataset = LabelledDataset.load(d.name(), d.dir(), d.maxTrain(), d.maxTest());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the evaluation dataset " + d.name() + " from " + d.dir() + ": " + e.getMessage(), e);
        }
        Engine engine = Engines.pytorch();
        device = Engines.device(config.device());
        EvalConfig.Linear l = config.linear();
        suite = new ProtocolSuite(new ProtocolSuite.Settings(l.weightDecay(),
                Lbfgs.Options.of(l.maxIterations(), l.history(), l.toleranceGrad(), l.toleranceChange()),
                config.fewLabel().seeds(), config.knn().chunkRows(), device, Standardizer.DEFAULT_MIN_STD));
        Log.infof("evaluation set %s: %d train and %d test images from %s; protocols %s on %s (%s %s)", dataset.name(),
                dataset.trainCount(), dataset.testCount(), d.dir(), config.protocols(), device, engine.getEngineName(),
                engine.getVersion());
    }

    public LabelledDataset dataset() {
        return dataset;
    }

    public Device device() {
        return device;
    }

    public String registryUrl() {
        return config.registryUrl().toString();
    }

    /** Runs the configured protocols on one feature set of the dataset. */
    public List<ProtocolResult> run(String featureSet, FeatureMatrix train, FeatureMatrix test, Consumer<ProtocolResult> onEach) {
        return suite.run(specs, featureSet, train, dataset.trainLabels(), test, dataset.testLabels(), onEach);
    }

    /**
     * The raw-pixel results, computed on the first call (the dataset does not change while the service runs);
     * empty when the baseline is switched off.
     */
    public List<ProtocolResult> baselines(Consumer<ProtocolResult> onEach) {
        if (!config.rawPixelBaseline()) {
            return List.of();
        }
        List<ProtocolResult> b = baselines;
        if (b == null) {
            synchronized (this) {
                b = baselines;
                if (b == null) {
                    long t0 = System.nanoTime();
                    b = run(RAW_PIXELS, dataset.trainPixels(), dataset.testPixels(), onEach);
                    metrics.stage("baseline", (System.nanoTime() - t0) / 1e9);
                    baselines = b;
                }
            }
        }
        return b;
    }

    /** The baseline if already computed, else empty. */
    public List<ProtocolResult> cachedBaselines() {
        List<ProtocolResult> b = baselines;
        return b == null ? List.of() : b;
    }
}
