package io.sslstream.bench.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.eval.protocol.ProtocolSpec;
import io.sslstream.eval.protocol.ProtocolSuite;
import io.sslstream.model.FeatureExtractor;

import java.util.List;

/** The evaluator's protocols (its own classes) on frozen features of the labelled splits. */
public final class Probes {

    /** {@code linear}, {@code linear@100}, {@code knn@20}, {@code knn@200}: what the evaluator reports. */
    public static final List<ProtocolSpec> SPECS = List.of(ProtocolSpec.linear(), ProtocolSpec.fewLabel(100), ProtocolSpec.knn(20, 0.07),
            ProtocolSpec.knn(200, 0.1));

    private Probes() {
    }

    /** The labelled images of a split and their labels. */
    public record Labelled(IdxFile images, int[] labels) {
        public static Labelled of(FashionMnist.Split split) {
            int[] y = new int[split.count()];
            for (int i = 0; i < y.length; i++) {
                y[i] = split.labels().label(i);
            }
            return new Labelled(split.images(), y);
        }

        public int count() {
            return labels.length;
        }
    }

    /** Frozen features of an initialised encoder (inference mode). */
    public static FeatureMatrix features(Block encoder, InputSpec input, NDManager manager, Labelled split) {
        return FeatureMatrix.of(new FeatureExtractor(encoder, input, manager, 500).extract(i -> split.images().item(i), split.count()));
    }

    /** An encoder as initialised, never trained (the random-encoder baseline). */
    public static FeatureMatrix[] randomEncoder(Block encoder, InputSpec input, NDManager manager, Labelled train, Labelled test) {
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
        return new FeatureMatrix[]{features(encoder, input, manager, train), features(encoder, input, manager, test)};
    }

    public static FeatureMatrix pixels(Labelled split) {
        return FeatureMatrix.ofPixels(java.util.Arrays.copyOf(split.images().data(), split.count() * split.images().itemSize()),
                split.count(), split.images().itemSize());
    }

    /** Runs the four protocols, printing each result as it comes. */
    public static List<ProtocolResult> run(String featureSet, FeatureMatrix train, Labelled trainSplit, FeatureMatrix test, Labelled testSplit) {
        return run(SPECS, featureSet, train, trainSplit, test, testSplit);
    }

    /** Runs these protocols, printing each result as it comes. */
    public static List<ProtocolResult> run(List<ProtocolSpec> specs, String featureSet, FeatureMatrix train, Labelled trainSplit,
                                           FeatureMatrix test, Labelled testSplit) {
        return new ProtocolSuite(ProtocolSuite.Settings.defaults()).run(specs, featureSet, train, trainSplit.labels(), test, testSplit.labels(),
                r -> System.out.printf("  %-14s %-10s %.2f%%  (%.0f s)%n", featureSet, r.protocol(), 100 * r.accuracy(), r.seconds()));
    }
}
