package io.sslstream.bench.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.model.Engines;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Checkpoint archives written by ssl-model exactly as the trainer writes them: the small CNN, randomly initialised. */
public final class Checkpoints {

    public static final InputSpec FMNIST = new InputSpec(1, 28, 28, List.of(FashionMnist.MEAN), List.of(FashionMnist.STD));

    private Checkpoints() {
    }

    /** A small-CNN archive for {@code model} whose parameters are drawn with {@code seed}. */
    public static Path smallCnn(Path file, String model, int seed) throws IOException {
        Engines.pytorch().setRandomSeed(seed);
        CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, model, "bench-eval", "simclr",
                Encoders.smallCnn(), FMNIST, 0, 0, seed, "bench", Map.of(), Map.of(), Map.of(),
                Engines.provenance(ai.djl.Device.cpu()));
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            Block enc = Encoders.create(Encoders.smallCnn());
            enc.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            CheckpointArchive.write(file, manifest, Map.of(CheckpointArchive.ENCODER, enc), Map.of());
        }
        return file;
    }
}
