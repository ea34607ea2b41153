package io.sslstream.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.Engines;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Real checkpoint archives for the tests, written by ssl-model exactly as the trainer writes them. */
final class TestCheckpoints {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    static final int SEED = 7;
    static final InputSpec FMNIST = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));

    private TestCheckpoints() {
    }

    static CheckpointManifest manifest(String model, Architecture arch, InputSpec input) {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, model, "run-test", "simclr", arch, input, 10, 2560, 1,
                "hash", Map.of("lr", 1e-3), Map.of("loss", 4.2), Map.of(), Map.of());
    }

    /**
     * Writes an archive whose {@code encoder.params} come from a randomly initialised {@code built} architecture and
     * whose manifest declares {@code declared} (equal for a good checkpoint).
     */
    static Path write(Path file, String model, Architecture built, Architecture declared, InputSpec input) throws IOException {
        // seeded, so that the accuracies the service test sees are the same on every run
        Engines.pytorch().setRandomSeed(SEED);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block enc = Encoders.create(built);
            enc.initialize(m, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
            CheckpointArchive.write(file, manifest(model, declared, input), Map.of(CheckpointArchive.ENCODER, enc), Map.of());
        }
        return file;
    }

    static Path smallCnn(Path file, String model) throws IOException {
        return write(file, model, Encoders.smallCnn(), Encoders.smallCnn(), FMNIST);
    }

    /**
     * A small CNN whose BatchNorm layers look trained (running mean and variance, gamma and beta away from their
     * initial 0, 1, 1, 0), so that folding them changes the convolutions.
     */
    static Path smallCnnWithBatchStatistics(Path file, String model) throws IOException {
        Engines.pytorch().setRandomSeed(SEED);
        SplittableRandom r = new SplittableRandom(SEED);
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block enc = Encoders.create(Encoders.smallCnn());
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            int changed = 0;
            for (var p : enc.getParameters()) {
                Parameter.Type type = p.getValue().getType();
                double lo;
                double hi;
                if (type == Parameter.Type.RUNNING_MEAN) {
                    lo = -0.5;
                    hi = 0.5;
                } else if (type == Parameter.Type.RUNNING_VAR) {
                    lo = 0.2;
                    hi = 3;
                } else if (type == Parameter.Type.GAMMA) {
                    lo = 0.5;
                    hi = 1.5;
                } else if (type == Parameter.Type.BETA) {
                    lo = -0.3;
                    hi = 0.3;
                } else {
                    continue;
                }
                NDArray a = p.getValue().getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (lo + (hi - lo) * r.nextDouble());
                }
                a.set(v);
                changed++;
            }
            if (changed != 16) {
                throw new IllegalStateException("expected 4 BatchNorm layers of 4 arrays, changed " + changed);
            }
            CheckpointArchive.write(file, manifest(model, Encoders.smallCnn(), FMNIST), Map.of(CheckpointArchive.ENCODER, enc), Map.of());
        }
        return file;
    }
}
