package io.sslstream.eval;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.champion.ChampionService;
import io.sslstream.eval.config.EvalConfig;
import io.sslstream.eval.dataset.DatasetSpec;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.eval.protocol.Lbfgs;
import io.sslstream.eval.protocol.ProtocolSpec;
import io.sslstream.eval.protocol.ProtocolSuite;
import io.sslstream.eval.protocol.Standardizer;
import io.sslstream.model.Engines;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Computes protocol results, and holds what that needs and start-up can check: the labelled dataset in memory, the
 * PyTorch engine and device, the parsed protocol list and the suite that runs it, and the two baselines, each
 * computed once and then reported with every evaluation: raw pixels (once per dataset) and a randomly initialised
 * encoder of the checkpoint's architecture (once per architecture and input normalisation). A missing dataset, a bad
 * protocol name or a champion protocol that is not run fails start-up with the reason, instead of failing every
 * event.
 *
 * <p>It knows nothing of events, the registry or Kafka: {@link EvaluationPipeline} takes a checkpoint through its
 * stages and asks this class for the results of each feature set.
 */
@Startup
@ApplicationScoped
public class Evaluator {

    /** Feature set of the checkpoint's own results. */
    public static final String ENCODER = "encoder";
    /** Feature set of the raw-pixel baseline. */
    public static final String RAW_PIXELS = "raw-pixels";
    /** Feature set of the random-init baseline. */
    public static final String RANDOM_INIT = "random-init";
    /** Parameter of random-init results: the initialisation seed. */
    public static final String INIT_SEED = "init_seed";
    /** Parameter of random-init results: the architecture's name. */
    public static final String ARCHITECTURE = "architecture";

    /** What a random-init baseline depends on besides the dataset. */
    record RandomInitKey(Architecture architecture, InputSpec input) {
    }

    private final EvalConfig config;
    private final EvalMetrics metrics;

    private LabelledDataset dataset;
    private Device device;
    private List<ProtocolSpec> specs;
    private ProtocolSuite suite;
    // computed under this lock (one at a time); read without it, so that the status never waits for a baseline
    private final Object computing = new Object();
    private volatile List<ProtocolResult> rawPixels;
    private final Map<RandomInitKey, List<ProtocolResult>> randomInit = new ConcurrentHashMap<>();

    Evaluator(EvalConfig config, EvalMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @PostConstruct
    void init() {
        specs = ProtocolSpec.parseAll(config.protocols());
        if (config.batchSize() < 1) {
            throw new IllegalArgumentException("ssl.eval.batch-size must be >= 1, got " + config.batchSize());
        }
        EvalConfig.Champion champion = config.champion();
        if (champion.enabled() && specs.stream().noneMatch(s -> s.name().equals(ProtocolSpec.parse(champion.protocol()).name()))) {
            throw new IllegalArgumentException("ssl.eval.champion.protocol " + champion.protocol() + " is not one of ssl.eval.protocols "
                    + config.protocols());
        }
        if (!(champion.margin() >= 0 && champion.margin() < 1)) {
            throw new IllegalArgumentException("ssl.eval.champion.margin must be in [0, 1), got " + champion.margin());
        }
        if (!ChampionService.ALIAS.matcher(champion.alias()).matches() || "latest".equals(champion.alias())) {
            throw new IllegalArgumentException("ssl.eval.champion.alias '" + champion.alias() + "' is not an alias the registry "
                    + "takes: " + ChampionService.ALIAS.pattern() + ", not 'latest'");
        }
        DatasetSpec spec = datasetSpec(config.dataset());
        if (spec.format() == DatasetSpec.Format.IDX && (spec.channels().isPresent() || spec.size().isPresent())) {
            Log.warnf("ssl.eval.dataset.channels and image-size apply to format=folder only: ignored for %s", spec.format().label());
        }
        try {
            dataset = LabelledDataset.load(spec);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the evaluation dataset " + spec.name() + " from " + spec.dir() + ": "
                    + e.getMessage(), e);
        }
        checkProtocolsFit(specs, dataset);
        Engine engine = Engines.pytorch();
        device = Engines.device(config.device());
        EvalConfig.Linear l = config.linear();
        ProtocolSuite.Settings settings = new ProtocolSuite.Settings(l.weightDecay(),
                Lbfgs.Options.of(l.maxIterations(), l.history(), l.toleranceGrad(), l.toleranceChange()),
                config.fewLabel().seeds(), config.fewLabel().weightDecays(), config.fewLabel().folds(), config.knn().chunkRows(), device,
                Standardizer.DEFAULT_MIN_STD);
        checkFolds(specs, settings);
        suite = new ProtocolSuite(settings);
        Log.infof("evaluation set %s from %s; protocols %s on %s (%s %s); baselines: raw pixels %s, random init %s",
                dataset.describe(), spec.dir(), config.protocols(), device, engine.getEngineName(), engine.getVersion(),
                config.rawPixelBaseline() ? "on" : "off", config.randomInitBaseline() ? "on (seed " + config.randomInitSeed() + ")" : "off");
    }

    /**
     * Refuses protocols the dataset cannot serve, so that start-up fails instead of every evaluation:
     * {@code linear@N} needs N train images of every class, {@code knn@K} at least K train images.
     */
    static void checkProtocolsFit(List<ProtocolSpec> specs, LabelledDataset dataset) {
        int[] perClass = new int[dataset.classes().size()];
        for (int y : dataset.trainLabels()) {
            perClass[y]++;
        }
        for (ProtocolSpec spec : specs) {
            if (spec.kind() == ProtocolSpec.Kind.LINEAR_FEW) {
                for (int c = 0; c < perClass.length; c++) {
                    if (perClass[c] > 0 && perClass[c] < spec.labelsPerClass()) {
                        throw new IllegalArgumentException(spec.name() + " needs " + spec.labelsPerClass() + " train images of every "
                                + "class, class '" + dataset.classes().get(c) + "' of " + dataset.id() + " has " + perClass[c]
                                + " (see ssl.eval.protocols and ssl.eval.dataset.max-train)");
                    }
                }
            } else if (spec.kind() == ProtocolSpec.Kind.KNN && spec.k() > dataset.trainCount()) {
                throw new IllegalArgumentException(spec.name() + " needs at least " + spec.k() + " train images, " + dataset.id()
                        + " has " + dataset.trainCount());
            }
        }
    }

    /** Refuses a {@code linear@N} whose N labels per class cannot fill the folds that choose its weight decay. */
    static void checkFolds(List<ProtocolSpec> specs, ProtocolSuite.Settings settings) {
        for (ProtocolSpec spec : specs) {
            if (spec.kind() == ProtocolSpec.Kind.LINEAR_FEW && spec.labelsPerClass() < settings.minLabelsPerClass()) {
                throw new IllegalArgumentException(spec.name() + " has fewer labels per class than ssl.eval.few-label.folds ("
                        + settings.fewLabelFolds() + "), which choose its weight decay: lower the folds or give a single "
                        + "ssl.eval.few-label.weight-decays value");
            }
        }
    }

    /** The dataset the configuration describes. */
    static DatasetSpec datasetSpec(EvalConfig.Dataset d) {
        DatasetSpec.Format format = DatasetSpec.Format.parse(d.format());
        String name = d.name().filter(n -> !n.isBlank()).orElse(DatasetSpec.defaultName(format, d.dir()));
        return new DatasetSpec(format, name, d.dir(),
                new DatasetSpec.IdxFiles(d.trainImages(), d.trainLabels(), d.testImages(), d.testLabels()),
                d.channels(), d.imageSize().map(DatasetSpec.ImageSize::parse), d.maxTrain(), d.maxTest());
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
    public List<ProtocolResult> rawPixelBaseline(Consumer<ProtocolResult> onEach) {
        if (!config.rawPixelBaseline()) {
            return List.of();
        }
        synchronized (computing) {
            if (rawPixels == null) {
                long t0 = System.nanoTime();
                rawPixels = run(RAW_PIXELS, dataset.trainPixels(), dataset.testPixels(), onEach);
                metrics.stage(RAW_PIXELS, (System.nanoTime() - t0) / 1e9);
            }
            return rawPixels;
        }
    }

    /**
     * The results of a randomly initialised encoder of the checkpoint's architecture, with the checkpoint's input
     * normalisation, computed on the first call for that pair; empty when the baseline is switched off. Every result
     * carries {@value #INIT_SEED} and {@value #ARCHITECTURE} among its parameters.
     *
     * @throws EvaluationFailure when the architecture cannot be built (the checkpoint's own load fails first)
     */
    public List<ProtocolResult> randomInitBaseline(CheckpointManifest manifest, Consumer<ProtocolResult> onEach) {
        if (!config.randomInitBaseline()) {
            return List.of();
        }
        synchronized (computing) {
            return randomInitLocked(manifest, onEach);
        }
    }

    private List<ProtocolResult> randomInitLocked(CheckpointManifest manifest, Consumer<ProtocolResult> onEach) {
        RandomInitKey key = new RandomInitKey(manifest.architecture(), manifest.input());
        List<ProtocolResult> cached = randomInit.get(key);
        if (cached != null) {
            return cached;
        }
        long t0 = System.nanoTime();
        EncoderFeatures.Features f;
        try (EncoderFeatures random = EncoderFeatures.randomInit(manifest, dataset, device, config.randomInitSeed())) {
            f = random.extract(dataset, config.batchSize());
        }
        List<ProtocolResult> results = new ArrayList<>();
        for (ProtocolResult r : run(RANDOM_INIT, f.train(), f.test(), r -> {
        })) {
            Map<String, Object> params = new LinkedHashMap<>(r.params());
            params.put(INIT_SEED, config.randomInitSeed());
            params.put(ARCHITECTURE, manifest.architecture().name());
            ProtocolResult withSeed = new ProtocolResult(r.protocol(), r.featureSet(), params, r.accuracy(), r.spread(), r.seconds());
            results.add(withSeed);
            onEach.accept(withSeed);
        }
        metrics.stage(RANDOM_INIT, (System.nanoTime() - t0) / 1e9);
        randomInit.put(key, List.copyOf(results));
        return randomInit.get(key);
    }

    /** The baselines computed so far: raw pixels, then the random-init results of each architecture seen. */
    public List<ProtocolResult> cachedBaselines() {
        List<ProtocolResult> all = new ArrayList<>(rawPixels == null ? List.of() : rawPixels);
        randomInit.values().forEach(all::addAll);
        return all;
    }
}
