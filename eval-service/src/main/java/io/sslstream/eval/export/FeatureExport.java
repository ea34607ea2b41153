package io.sslstream.eval.export;

import io.sslstream.eval.protocol.FeatureMatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The features and labels an evaluation ran its protocols on, as NumPy files in one folder per version
 * ({@code <model>-v<version>/train_x.npy, train_y.npy, test_x.npy, test_y.npy}): what
 * {@code benchmarks/peer/probe_features.py} reads to check our probe and kNN with PyTorch on the same numbers.
 */
public final class FeatureExport {

    private FeatureExport() {
    }

    /** Writes the four files; returns the folder. */
    public static Path write(Path dir, String model, int version, FeatureMatrix train, int[] trainLabels, FeatureMatrix test,
                             int[] testLabels) throws IOException {
        Path folder = dir.resolve(model.replaceAll("[^A-Za-z0-9._-]", "_") + "-v" + version);
        Files.createDirectories(folder);
        Npy.writeFloats(folder.resolve("train_x.npy"), train.rowRange(0, train.rows()), train.rows(), train.cols());
        Npy.writeLongs(folder.resolve("train_y.npy"), trainLabels);
        Npy.writeFloats(folder.resolve("test_x.npy"), test.rowRange(0, test.rows()), test.rows(), test.cols());
        Npy.writeLongs(folder.resolve("test_y.npy"), testLabels);
        return folder;
    }
}
