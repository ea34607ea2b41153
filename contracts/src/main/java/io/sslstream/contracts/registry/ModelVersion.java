package io.sslstream.contracts.registry;

import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A registry version as the API returns it.
 *
 * @param model         model name
 * @param version       1, 2, ...
 * @param runId         training run
 * @param method        SSL method
 * @param architecture  encoder architecture name
 * @param step          optimizer steps
 * @param samplesSeen   samples consumed
 * @param loss          training loss at the checkpoint, or {@code null}
 * @param weightsSha256 SHA-256 of the weights blob
 * @param weightsSize   bytes
 * @param createdAt     creation time
 * @param aliases       aliases pointing at this version, e.g. {@code latest}
 * @param tags          tags
 * @param manifest      the full manifest
 * @param evaluations   evaluations stored for this version, oldest first
 */
public record ModelVersion(String model, int version, String runId, String method, String architecture, long step,
                           long samplesSeen, Double loss, String weightsSha256, long weightsSize, Instant createdAt,
                           List<String> aliases, Map<String, String> tags, CheckpointManifest manifest,
                           List<EvaluationCompleted> evaluations) {
    public ModelVersion {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        evaluations = evaluations == null ? List.of() : List.copyOf(evaluations);
    }
}
