package io.sslstream.bench.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.sslstream.bench.Machine;
import io.sslstream.bench.Peer;
import io.sslstream.bench.Stats;
import io.sslstream.bench.eval.NpyReader;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.eval.protocol.ProtocolSpec;
import io.sslstream.model.Engines;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.Learner;
import io.sslstream.trainer.Threads;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.optim.OptimizerSettings;
import io.sslstream.trainer.optim.Schedule;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One method trained on a {@link ViewFile} by our trainer ({@link Learner}) and by the PyTorch peer
 * ({@code benchmarks/peer/parity_peer.py}) with the same settings; both encoders' frozen features are scored by the
 * same probe code ({@link Probes}, the evaluator's classes). With {@code evalEverySteps > 0} both also score
 * {@code knn@20} every that many steps, with the training time spent so far (evaluation excluded): time to accuracy.
 */
public final class SideBySide {

    /** Input of every Fashion-MNIST encoder here. */
    public static final InputSpec INPUT = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));
    /** The protocol of the intermediate points. */
    public static final ProtocolSpec POINT_SPEC = ProtocolSpec.knn(20, 0.07);

    /**
     * @param optimizer      adamw, sgd or lars
     * @param lr             peak learning rate (cosine to 0 over the file's steps after the warm-up)
     * @param weightDecay    decay of conv and linear weights
     * @param warmupSteps    linear warm-up steps
     * @param threads        intra-op threads of each side (0 = all cores)
     * @param seed           initialisation seed
     * @param data           Fashion-MNIST folder the peer reads its labelled images from (null: its default)
     * @param evalEverySteps knn@20 every this many steps (0 = at the end only)
     * @param widths         the small CNN's widths on both sides (null: the method's default encoder)
     * @param sharedInit     folder where our side writes its initial trained weights for the peer to start from (null:
     *                       each side draws its own from the same distributions)
     */
    public record Settings(String optimizer, double lr, double weightDecay, int warmupSteps, int threads, long seed, Path data,
                           int evalEverySteps, List<Integer> widths, Path sharedInit) {

        Architecture encoder(MethodDefinition def) {
            return widths == null ? Encoders.named(def.defaultEncoder()) : Encoders.smallCnn(widths);
        }
    }

    /** knn@20 after {@code step} steps and {@code trainSeconds} of training (evaluations excluded). */
    public record Point(int step, double trainSeconds, double knn20) {
    }

    /** One side's run of one method. */
    public record Side(String method, String side, int steps, double medianStepMs, double seconds, List<Double> losses,
                       List<ProtocolResult> results, List<Point> points, String date) {

        /** Training minutes until knn@20 first reached {@code accuracy}, or NaN if it never did. */
        public double minutesTo(double accuracy) {
            if (points == null) {
                return Double.NaN;
            }
            return points.stream().filter(p -> p.knn20() >= accuracy).mapToDouble(p -> p.trainSeconds() / 60).findFirst().orElse(Double.NaN);
        }
    }

    private SideBySide() {
    }

    private static OptimizerSettings optimizer(Settings s, int steps) {
        return new OptimizerSettings(s.optimizer(), new Schedule(s.lr(), Math.min(s.warmupSteps(), steps), steps, 0), s.weightDecay(), 0.9,
                false, 0.02, 0.9, 0.999);
    }

    /** Our trainer on the file's steps, then the probes on its encoder. */
    public static Side ours(MethodDefinition def, ViewFile file, Settings s, Probes.Labelled train, Probes.Labelled test) throws Exception {
        Architecture arch = s.encoder(def);
        MethodSettings ms = def.settings(arch, INPUT, MethodConfig.of(Map.of())).withTotalSteps(file.steps());
        int intra = Threads.configure(s.threads());
        List<Double> losses = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        double[] stepMs = new double[file.steps()];
        long trainNanos = 0;
        try (Learner learner = new Learner(new Learner.Settings(ms, optimizer(s, file.steps()), file.batch(), s.seed()), Device.cpu());
             NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
            if (s.sharedInit() != null) {
                InitialWeights.write(learner.method().trainableParameters(), s.sharedInit(), def.name());
            }
            for (int k = 0; k < file.steps(); k++) {
                long t0 = System.nanoTime();
                var batch = file.step(k);
                long t1 = System.nanoTime();
                float loss = learner.step(batch);
                long t2 = System.nanoTime();
                trainNanos += t2 - t0;
                stepMs[k] = (t2 - t1) / 1e6;
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException(def.name() + ": loss is " + loss + " at step " + (k + 1));
                }
                losses.add((double) loss);
                if ((k + 1) % 20 == 0 || k + 1 == file.steps()) {
                    double el = trainNanos / 1e9;
                    System.out.printf("  ours %s step %d/%d loss %.4f, %.0f ms/step (%d threads), ETA %.0f s of training%n", def.name(), k + 1,
                            file.steps(), loss, stepMs[k], intra, el / (k + 1) * (file.steps() - k - 1));
                }
                if (s.evalEverySteps() > 0 && (k + 1) % s.evalEverySteps() == 0 && k + 1 < file.steps()) {
                    FeatureMatrix f = Probes.features(learner.method().encoder(), INPUT, m, train);
                    FeatureMatrix g = Probes.features(learner.method().encoder(), INPUT, m, test);
                    double knn = Probes.run(List.of(POINT_SPEC), "ours " + def.name() + " @" + (k + 1), f, train, g, test).get(0).accuracy();
                    points.add(new Point(k + 1, trainNanos / 1e9, knn));
                }
            }
            FeatureMatrix f = Probes.features(learner.method().encoder(), INPUT, m, train);
            FeatureMatrix g = Probes.features(learner.method().encoder(), INPUT, m, test);
            List<ProtocolResult> results = Probes.run("ours " + def.name(), f, train, g, test);
            points.add(new Point(file.steps(), trainNanos / 1e9, accuracy(results, POINT_SPEC.name())));
            return new Side(def.name(), "ours", file.steps(), Stats.median(stepMs), trainNanos / 1e9, losses, results, points, Machine.now());
        }
    }

    /** The peer on the same file, then the same probes on the features it wrote. */
    public static Side peer(Path repo, MethodDefinition def, ViewFile file, Path store, Settings s, Probes.Labelled train,
                            Probes.Labelled test) throws Exception {
        List<String> args = new ArrayList<>(List.of("--views", file.path().toString(), "--method", def.name(), "--encoder", def.defaultEncoder(),
                "--out", store.toString(), "--optimizer", s.optimizer(), "--lr", Double.toString(s.lr()), "--weight-decay",
                Double.toString(s.weightDecay()), "--warmup-steps", Integer.toString(s.warmupSteps()), "--seed", Long.toString(s.seed()),
                "--eval-train", Integer.toString(train.count()), "--eval-test", Integer.toString(test.count()), "--dump-every",
                Integer.toString(s.evalEverySteps())));
        if (s.widths() != null) {
            args.addAll(List.of("--widths", s.widths().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))));
        }
        if (s.threads() > 0) {
            args.addAll(List.of("--threads", Integer.toString(s.threads())));
        }
        if (s.sharedInit() != null) {
            args.addAll(List.of("--init-from", InitialWeights.manifest(s.sharedInit(), def.name()).toString()));
        }
        if (s.data() != null) {
            args.addAll(List.of("--data", s.data().toString()));
        }
        List<JsonNode> lines = Peer.run(Peer.script(repo, "parity_peer.py"), args, Duration.ofHours(12));
        JsonNode trainLine = lines.stream().filter(n -> "train".equals(n.path("kind").asText())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the peer printed no train line"));
        JsonNode feat = lines.stream().filter(n -> "features".equals(n.path("kind").asText())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the peer printed no features line"));
        List<Double> losses = new ArrayList<>();
        trainLine.path("losses").forEach(v -> losses.add(v.asDouble()));
        List<Point> points = new ArrayList<>();
        for (JsonNode c : lines) {
            if ("checkpoint".equals(c.path("kind").asText())) {
                double knn = Probes.run(List.of(POINT_SPEC), "peer " + def.name() + " @" + c.path("step").asInt(),
                        npy(Path.of(c.path("train").asText()), train.count()), train, npy(Path.of(c.path("test").asText()), test.count()), test)
                        .get(0).accuracy();
                points.add(new Point(c.path("step").asInt(), c.path("train_seconds").asDouble(), knn));
            }
        }
        FeatureMatrix f = npy(Path.of(feat.path("train").asText()), train.count());
        FeatureMatrix g = npy(Path.of(feat.path("test").asText()), test.count());
        List<ProtocolResult> results = Probes.run("peer " + def.name(), f, train, g, test);
        double seconds = trainLine.path("train_seconds").asDouble(trainLine.path("seconds").asDouble());
        points.add(new Point(trainLine.path("steps").asInt(), seconds, accuracy(results, POINT_SPEC.name())));
        return new Side(def.name(), "peer", trainLine.path("steps").asInt(), trainLine.path("median_step_ms").asDouble(), seconds, losses,
                results, points, Machine.now());
    }

    private static FeatureMatrix npy(Path file, int expectedRows) throws Exception {
        int[] rows = new int[1];
        int[] cols = new int[1];
        float[] v = NpyReader.floats(file, rows, cols);
        if (rows[0] != expectedRows) {
            throw new IllegalStateException(file + ": " + rows[0] + " rows of peer features, expected " + expectedRows);
        }
        return FeatureMatrix.copyOf(v, rows[0], cols[0]);
    }

    /** The accuracy of a protocol among results, NaN if absent. */
    public static double accuracy(List<ProtocolResult> results, String protocol) {
        return results.stream().filter(r -> r.protocol().equals(protocol)).mapToDouble(ProtocolResult::accuracy).findFirst().orElse(Double.NaN);
    }
}
