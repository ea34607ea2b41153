package io.sslstream.trainer;

import ai.djl.Device;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.method.Byol;
import io.sslstream.trainer.method.Mae;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.method.Methods;
import io.sslstream.trainer.method.MoCo;
import io.sslstream.trainer.method.SimClr;
import io.sslstream.trainer.optim.Optimizer;
import io.sslstream.trainer.optim.OptimizerSettings;
import io.sslstream.trainer.optim.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The learner on real Fashion-MNIST images: SimCLR learns; every method's checkpoint restores the whole training
 * state (a restored learner continues exactly like the original, however it was initialised and whatever it did
 * before); and a step leaves no array behind.
 */
class LearnerTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    static final InputSpec INPUT = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));
    /** A narrow CNN and ViT keep the seven methods' runs short; the full-size encoders are tested in ssl-model. */
    static final Architecture NARROW_CNN = new Architecture(Encoders.SMALL_CNN, Map.of("widths", List.of(8, 16), "strides", List.of(1, 2)));
    static final Architecture NARROW_VIT = Encoders.vit(7, 16, 1, 2);

    /** A short MoCo queue and a narrow MAE decoder, as configuration keys (each method reads its own). */
    static final MethodConfig SMALL = MethodConfig.of(Map.of("ssl.trainer.moco.queue-size", "40", "ssl.trainer.mae.decoder-dim", "16",
            "ssl.trainer.mae.decoder-depth", "1", "ssl.trainer.mae.decoder-heads", "2"));

    static FashionMnist.Split data;

    @BeforeAll
    static void read() throws IOException {
        data = FashionMnist.read(SUBSET, "train", 4000);
    }

    static List<ViewSet> batch(String method, int size, SplittableRandom rnd) {
        List<ViewSet> views = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int idx = rnd.nextInt(data.count());
            byte[] img = data.images().item(idx);
            views.add(Mae.NAME.equals(method) ? TestViews.masked("s" + idx, img, rnd, 7, 4, 0.75)
                    : TestViews.twoViews("s" + idx, img, rnd));
        }
        return views;
    }

    static Learner.Settings settings(String method, long seed) {
        Architecture arch = Mae.NAME.equals(method) ? NARROW_VIT : NARROW_CNN;
        MethodSettings ms = Methods.named(method).settings(arch, INPUT, SMALL).withTotalSteps(10);
        // warm-up and cosine, weight decay: a restored run must also be at the right point of its schedule
        OptimizerSettings opt = new OptimizerSettings("adamw", new Schedule(2e-3, 2, 10, 0.1), 0.05, 0.9, false, 0.02, 0.9, 0.999);
        return new Learner.Settings(ms, opt, 8, seed);
    }

    static CheckpointManifest manifest(Learner.Settings s, long step) {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, "m", "run", s.method().method(), s.method().architecture(),
                INPUT, step, step * s.batchSize(), s.seed(), "hash", Map.of(), Map.of(), Map.of(), Map.of());
    }

    @Test
    void simclrLossFallsOnRealImages() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Float> losses = new ArrayList<>();
        Learner.Settings s = new Learner.Settings(SimClr.DEFINITION.defaults(Encoders.smallCnn(), INPUT),
                OptimizerSettings.adamw(1e-3, 0), 32, 0);
        try (Learner learner = new Learner(s, Device.cpu())) {
            for (int step = 0; step < 40; step++) {
                losses.add(learner.step(batch(SimClr.NAME, 32, rnd)));
            }
            assertThat(learner.steps()).isEqualTo(40);
        }
        double first = losses.subList(0, 5).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(losses).allMatch(l -> Float.isFinite(l));
        // chance level is log(2N - 1) = log(63) = 4.14; learning must pull the loss well below the start
        assertThat(first).isGreaterThan(3.0);
        assertThat(last).isLessThan(first - 0.3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simclr", "moco", "byol", "simsiam", "barlow-twins", "vicreg", "mae"})
    void aRestoredLearnerContinuesExactlyWhereTheCheckpointWas(String method, @TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        List<List<ViewSet>> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(batch(method, 8, rnd));
        }
        Path archive = dir.resolve("ckpt.zip");
        Learner.Settings s = settings(method, 0);
        float[] original = new float[2];
        long arraysAfterStep4;
        try (Learner a = new Learner(s, Device.cpu())) {
            for (int i = 0; i < 3; i++) {
                assertThat(a.step(batches.get(i))).as(method).matches(Float::isFinite);
            }
            a.save(archive, manifest(s, 3));
            original[0] = a.step(batches.get(3));
            arraysAfterStep4 = a.liveArrays();
            original[1] = a.step(batches.get(4));
            a.step(batches.get(5));
            // native memory: a step leaves no array behind
            assertThat(a.liveArrays()).as(method).isEqualTo(arraysAfterStep4);
        }
        assertThat(CheckpointArchive.entries(archive)).containsKeys(CheckpointArchive.MANIFEST, CheckpointArchive.ENCODER, Optimizer.ENTRY);
        if (method.equals(MoCo.NAME)) {
            assertThat(CheckpointArchive.entries(archive)).containsKeys(MoCo.QUEUE, "key-encoder.params", "key-head.params");
        }
        if (method.equals(Byol.NAME)) {
            assertThat(CheckpointArchive.entries(archive)).containsKeys("target-encoder.params", "target-head.params", "predictor.params");
        }
        try (Learner b = new Learner(settings(method, 99), Device.cpu())) {
            // another initialisation that has even trained a step: nothing of it may survive the restore
            float fresh = b.step(batches.get(3));
            assertThat(fresh).as(method + ": a differently initialised learner").isNotCloseTo(original[0], within(1e-4f));
            b.restore(archive, 3);
            assertThat(b.steps()).isEqualTo(3);
            assertThat(b.learningRate()).isEqualTo(s.optimizer().schedule().at(3));
            assertThat(b.step(batches.get(3))).as(method + " step 4").isCloseTo(original[0], within(2e-5f * Math.max(1, Math.abs(original[0]))));
            assertThat(b.step(batches.get(4))).as(method + " step 5").isCloseTo(original[1], within(2e-5f * Math.max(1, Math.abs(original[1]))));
        }
    }

    @Test
    void aStepWithANonFiniteLossChangesNothingAndTheWeightsAreNamedAsNonFinite() {
        SplittableRandom rnd = new SplittableRandom(5);
        Learner.Settings s = settings(SimClr.NAME, 0);
        try (Learner learner = new Learner(s, Device.cpu())) {
            assertThat(learner.step(batch(SimClr.NAME, 8, rnd))).matches(Float::isFinite);
            assertThat(learner.firstNonFinite()).isNull();
            String head = learner.method().blocks().keySet().stream().filter(k -> !k.equals(CheckpointArchive.ENCODER)).findFirst().orElseThrow();
            ai.djl.ndarray.NDArray w = learner.method().blocks().get(head).getParameters().valueAt(0).getArray();
            float[] before = learner.method().encoder().getParameters().valueAt(0).getArray().toFloatArray();

            // one weight of the head turns NaN: the loss is NaN, and the step must not spread it
            float[] poisoned = w.toFloatArray();
            poisoned[0] = Float.NaN;
            w.set(poisoned);
            assertThat(learner.step(batch(SimClr.NAME, 8, rnd))).isNaN();
            assertThat(learner.skipReason()).isEqualTo("the loss is NaN");
            assertThat(learner.steps()).isEqualTo(1); // skipped: no update counted, the schedule does not move
            assertThat(learner.optimizer().updates()).isEqualTo(1);
            assertThat(learner.method().encoder().getParameters().valueAt(0).getArray().toFloatArray()).containsExactly(before);
            // the poisoned weight is found (the forward pass may also have spread NaN into running statistics after it)
            assertThat(learner.firstNonFinite()).startsWith(head + "/");
            // no gradient of the skipped step is left to add to the next one
            for (var p : learner.method().trainableParameters()) {
                if (!p.getValue().requiresGradient()) {
                    continue; // running statistics
                }
                try (ai.djl.ndarray.NDArray g = p.getValue().getArray().getGradient()) {
                    assertThat(g.abs().sum().getFloat()).as(p.getKey()).isZero();
                }
            }
        }
    }
}
