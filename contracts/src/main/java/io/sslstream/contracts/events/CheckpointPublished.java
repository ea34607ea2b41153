package io.sslstream.contracts.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Announced on {@code ssl.checkpoints} (key = model name) once per registry version, after the version is
 * committed. Consumers de-duplicate by {@link #eventId()} (or by model and version).
 *
 * @param schemaVersion  {@value #SCHEMA_VERSION}
 * @param eventId        unique per event
 * @param timestamp      when the version was created
 * @param modelName      registry model
 * @param version        registry version number (1, 2, ...)
 * @param runId          the training run that produced it
 * @param method         SSL method, e.g. {@code simclr}
 * @param architecture   encoder architecture, e.g. {@code small-cnn}
 * @param step           optimizer steps done
 * @param samplesSeen    training samples consumed
 * @param weightsSha256  SHA-256 (hex) of the weights blob
 * @param weightsSize    size of the weights blob in bytes
 */
public record CheckpointPublished(int schemaVersion, UUID eventId, Instant timestamp, String modelName, int version,
                                  String runId, String method, String architecture, long step, long samplesSeen,
                                  String weightsSha256, long weightsSize) {

    public static final int SCHEMA_VERSION = 1;

    public CheckpointPublished {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(weightsSha256, "weightsSha256");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
    }
}
