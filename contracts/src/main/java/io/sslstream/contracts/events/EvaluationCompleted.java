package io.sslstream.contracts.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Published on {@code ssl.evaluations} (key = model name) when an evaluation of a version ends,
 * successfully or not; the same content is stored with the version in the registry.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param eventId       unique per event
 * @param timestamp     when the evaluation ended
 * @param modelName     registry model
 * @param version       registry version
 * @param weightsSha256 the weights that were evaluated
 * @param dataset       evaluation dataset, e.g. {@code fashion-mnist}
 * @param status        {@code succeeded} or {@code failed}
 * @param failureReason why it failed, or {@code null}
 * @param results       one entry per protocol and feature set
 * @param seconds       wall time from the event to the stored results
 */
public record EvaluationCompleted(int schemaVersion, UUID eventId, Instant timestamp, String modelName, int version,
                                  String weightsSha256, String dataset, String status, String failureReason,
                                  List<ProtocolResult> results, double seconds) {

    public static final int SCHEMA_VERSION = 1;
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    public EvaluationCompleted {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(status, "status");
        results = results == null ? List.of() : List.copyOf(results);
    }
}
