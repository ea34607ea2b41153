package io.sslstream.registry;

import io.restassured.http.ContentType;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Sha256;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Builders and REST shortcuts shared by the tests. */
public final class TestData {

    private TestData() {
    }

    /** A model name no other test uses, so tests need not clean the shared database. */
    public static String uniqueModel(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static CheckpointManifest manifest(String model, long step, double loss) {
        return manifest(model, "run-" + model, "simclr", step, loss);
    }

    public static CheckpointManifest manifest(String model, String run, String method, long step, double loss) {
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, model, run, method,
                new CheckpointManifest.Architecture("small-cnn", Map.of("widths", List.of(32, 64, 128, 128))),
                new CheckpointManifest.InputSpec(1, 28, 28, List.of(0.286), List.of(0.353)),
                step, step * 256, 42L, "cfg-hash", Map.of("temperature", 0.5, "batch", 256),
                Map.of(CheckpointManifest.Metrics.LOSS, loss), Map.of("ssl.views.simclr/0", step * 256),
                Map.of(CheckpointManifest.Provenance.ENGINE, "PyTorch"));
    }

    /** Uploads {@code bytes} as a blob (expecting 200 or 201) and returns its digest. */
    public static String uploadBlob(byte[] bytes) {
        String sha = Sha256.of(bytes);
        given().contentType(ContentType.BINARY).body(bytes)
                .when().put("/api/v1/blobs/sha256/" + sha)
                .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
        return sha;
    }

    /** Uploads fresh weights and creates a version of {@code model} at {@code step}; returns the version. */
    public static ModelVersion createVersion(String model, long step) {
        return createVersion(model, "run-" + model, "simclr", step, Map.of("stage", "test"));
    }

    /** Uploads fresh weights and creates a version of {@code model} with this run, method, step and tags. */
    public static ModelVersion createVersion(String model, String run, String method, long step, Map<String, String> tags) {
        String sha = uploadBlob(randomBytes(4096, step * 31 + model.hashCode() + run.hashCode()));
        byte[] response = given().contentType(ContentType.JSON)
                .body(Json.write(new CreateVersionRequest(sha, manifest(model, run, method, step, 1.0 / (step + 1)), tags)))
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(201)
                .extract().asByteArray();
        return Json.read(response, ModelVersion.class);
    }

    /** Posts an evaluation of {@code v} (expecting 201) with a {@code linear} accuracy and {@code knn@20} 0.01 less. */
    public static EvaluationCompleted evaluate(ModelVersion v, double linear) {
        EvaluationCompleted e = evaluation(v, linear);
        given().contentType(ContentType.JSON).body(Json.write(e))
                .when().post("/api/v1/models/" + v.model() + "/versions/" + v.version() + "/evaluations")
                .then().statusCode(201);
        return e;
    }

    public static EvaluationCompleted evaluation(ModelVersion v, double linear) {
        return new EvaluationCompleted(EvaluationCompleted.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), v.model(),
                v.version(), v.weightsSha256(), "fashion-mnist", EvaluationCompleted.SUCCEEDED, null,
                List.of(new ProtocolResult("linear", "encoder", Map.of("weight_decay", 1e-4), linear, 0, 1.5),
                        new ProtocolResult("knn@20", "encoder", Map.of("k", 20, "temperature", 0.07), linear - 0.01, 0, 0.7)),
                3.2);
    }
}
