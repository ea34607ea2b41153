package io.sslstream.registry.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class VersionApiTest {

    @Test
    void createdVersionIsLatestAndReadable() {
        String model = TestData.uniqueModel("create");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 21));
        var manifest = TestData.manifest(model, 100, 0.25);

        byte[] body = given().contentType(ContentType.JSON)
                .body(Json.write(new CreateVersionRequest(sha, manifest, Map.of("stage", "test"))))
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/models/" + model + "/versions/1"))
                .extract().asByteArray();
        ModelVersion created = Json.read(body, ModelVersion.class);
        ModelVersion read = get(model, 1);

        assertThat(created.version()).isEqualTo(1);
        assertThat(read).isEqualTo(created);
        assertThat(read.aliases()).containsExactly("latest");
        assertThat(read.weightsSha256()).isEqualTo(sha);
        assertThat(read.weightsSize()).isEqualTo(2048);
        assertThat(read.runId()).isEqualTo(manifest.runId());
        assertThat(read.method()).isEqualTo("simclr");
        assertThat(read.architecture()).isEqualTo("small-cnn");
        assertThat(read.step()).isEqualTo(100);
        assertThat(read.samplesSeen()).isEqualTo(100 * 256);
        assertThat(read.loss()).isEqualTo(0.25);
        assertThat(read.tags()).containsEntry("stage", "test");
        assertThat(read.manifest()).isEqualTo(manifest);
        assertThat(read.evaluations()).isEmpty();
    }

    @Test
    void successiveVersionsAreNumberedAndListedNewestFirst() {
        String model = TestData.uniqueModel("list");
        List<Integer> numbers = IntStream.rangeClosed(1, 3).mapToObj(step -> TestData.createVersion(model, step).version()).toList();

        Page<ModelVersion> all = list(model, 0, 50);
        Page<ModelVersion> second = list(model, 1, 1);

        assertThat(numbers).containsExactly(1, 2, 3);
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.items()).extracting(ModelVersion::version).containsExactly(3, 2, 1);
        assertThat(all.items()).extracting(ModelVersion::aliases).containsExactly(List.of("latest"), List.of(), List.of());
        assertThat(second.items()).extracting(ModelVersion::version).containsExactly(2);
        assertThat(second.offset()).isEqualTo(1);
        assertThat(second.limit()).isEqualTo(1);
        assertThat(second.total()).isEqualTo(3);
        assertThat(get(model, 1).aliases()).isEmpty();
    }

    @Test
    void concurrentCreatesGetDistinctConsecutiveNumbers() throws Exception {
        String model = TestData.uniqueModel("race");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> creates = IntStream.rangeClosed(1, 6)
                    .<Callable<Integer>>mapToObj(step -> () -> TestData.createVersion(model, step).version()).toList();
            List<Integer> numbers = pool.invokeAll(creates).stream().map(VersionApiTest::join).toList();

            assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRetryWithTheSameKeyAndContentGetsTheSameVersionWith200() {
        String model = TestData.uniqueModel("idem");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 41));
        CreateVersionRequest request = new CreateVersionRequest(sha, TestData.manifest(model, 60, 0.5), Map.of("run", "local"));
        String key = IdempotencyKey.forCheckpoint("local", 60, sha);

        ModelVersion created = Json.read(post(model, request, IdempotencyKey.toHeaderValue(key))
                .then().statusCode(201).extract().asByteArray(), ModelVersion.class);
        ModelVersion retried = Json.read(post(model, request, IdempotencyKey.toHeaderValue(key))
                .then().statusCode(200)
                .header("Content-Location", endsWith("/api/v1/models/" + model + "/versions/1"))
                .extract().asByteArray(), ModelVersion.class);
        // the bare key is the same key; tags are not part of what is compared (they can change after creation)
        ModelVersion bare = Json.read(post(model, new CreateVersionRequest(sha, request.manifest(), Map.of()), key)
                .then().statusCode(200).extract().asByteArray(), ModelVersion.class);

        assertThat(created.version()).isEqualTo(1);
        assertThat(retried).isEqualTo(created);
        assertThat(bare).isEqualTo(created);
        assertThat(list(model, 0, 50).total()).isEqualTo(1);
        assertThat(TestData.createVersion(model, 61).version()).as("the next number is not used up by the retries")
                .isEqualTo(2);
    }

    @Test
    void theSameKeyWithOtherContentIs422NamingTheKeyAndTheVersion() {
        String model = TestData.uniqueModel("idem-conflict");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 42));
        String otherSha = TestData.uploadBlob(TestData.randomBytes(2048, 43));
        String key = "trainer-upload-0001";
        post(model, new CreateVersionRequest(sha, TestData.manifest(model, 10, 0.5), null), key).then().statusCode(201);

        post(model, new CreateVersionRequest(otherSha, TestData.manifest(model, 10, 0.5), null), key)
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:idempotency-key-reused"))
                .body("detail", containsString("'" + key + "'"))
                .body("detail", containsString(model + " version 1"))
                .body("detail", containsString(otherSha));
        post(model, new CreateVersionRequest(sha, TestData.manifest(model, 11, 0.5), null), key)
                .then().statusCode(422)
                .body("type", equalTo("urn:sslstream:registry:problem:idempotency-key-reused"))
                .body("detail", containsString("manifest"))
                .body("detail", containsString("version 1"));

        assertThat(list(model, 0, 50).total()).isEqualTo(1);
    }

    @Test
    void concurrentCreatesWithOneKeyMakeOneVersion() throws Exception {
        String model = TestData.uniqueModel("idem-race");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 44));
        CreateVersionRequest request = new CreateVersionRequest(sha, TestData.manifest(model, 5, 0.5), null);
        String key = IdempotencyKey.toHeaderValue(IdempotencyKey.forCheckpoint("race", 5, sha));
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<io.restassured.response.Response>> creates = IntStream.range(0, clients)
                    .<Callable<io.restassured.response.Response>>mapToObj(i -> () -> post(model, request, key)).toList();
            List<io.restassured.response.Response> answers = pool.invokeAll(creates).stream().map(VersionApiTest::join).toList();

            assertThat(answers).extracting(io.restassured.response.Response::statusCode)
                    .as("one request created the version, the others were answered with it")
                    .containsOnly(200, 201).filteredOn(status -> status == 201).hasSize(1);
            assertThat(answers).extracting(a -> Json.read(a.asByteArray(), ModelVersion.class).version()).containsOnly(1);
            assertThat(list(model, 0, 50).total()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysAreScopedToTheirModel() {
        String a = TestData.uniqueModel("idem-a");
        String b = TestData.uniqueModel("idem-b");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 45));
        String key = "same-key";

        post(a, new CreateVersionRequest(sha, TestData.manifest(a, 1, 0.5), null), key).then().statusCode(201);
        post(b, new CreateVersionRequest(sha, TestData.manifest(b, 1, 0.5), null), key).then().statusCode(201)
                .body("version", equalTo(1));
    }

    @Test
    void malformedKeysAre400() {
        String model = TestData.uniqueModel("idem-bad");
        String sha = TestData.uploadBlob(TestData.randomBytes(2048, 46));
        CreateVersionRequest request = new CreateVersionRequest(sha, TestData.manifest(model, 1, 0.5), null);

        for (String bad : List.of("", "\"\"", "a b", "\"a b\"", "x".repeat(IdempotencyKey.MAX_LENGTH + 1), "\"open", "\"a\\nb\"")) {
            io.restassured.response.Response answer = post(model, request, bad);
            assertThat(answer.statusCode()).as("Idempotency-Key: %s -> %s", bad, answer.asString()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.jsonPath().getString("type")).isEqualTo("urn:sslstream:registry:problem:invalid-idempotency-key");
        }
        assertThat(list(model, 0, 50).total()).isZero();
    }

    @Test
    void modelsAreListedWithTheirVersionCounts() {
        String model = TestData.uniqueModel("count");
        TestData.createVersion(model, 1);
        TestData.createVersion(model, 2);

        given().when().get("/api/v1/models")
                .then().statusCode(200)
                .body("find { it.name == '" + model + "' }.versions", equalTo(2))
                .body("find { it.name == '" + model + "' }.latestVersion", equalTo(2));
    }

    @Test
    void weightsOfAVersionAreItsBlob() {
        String model = TestData.uniqueModel("weights");
        ModelVersion v = TestData.createVersion(model, 7);

        byte[] weights = given().when().get("/api/v1/models/" + model + "/versions/1/weights")
                .then().statusCode(200)
                .header("ETag", "\"" + v.weightsSha256() + "\"")
                .extract().asByteArray();

        assertThat(Sha256.of(weights)).isEqualTo(v.weightsSha256());
    }

    @Test
    void unknownBlobIsRefused() {
        String model = TestData.uniqueModel("noblob");
        String missing = "ab".repeat(32);

        post(model, new CreateVersionRequest(missing, TestData.manifest(model, 1, 1.0), null))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:unknown-blob"))
                .body("detail", containsString(missing));
    }

    @Test
    void badModelNameIs400() {
        String sha = TestData.uploadBlob(TestData.randomBytes(100, 22));
        for (String bad : List.of("Upper", "-dash", "a..b")) {
            post(bad, new CreateVersionRequest(sha, TestData.manifest(bad, 1, 1.0), null))
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:sslstream:registry:problem:invalid-model-name"))
                    .body("detail", containsString(bad));
        }
        given().when().get("/api/v1/models/Upper/versions").then().statusCode(400);
    }

    @Test
    void manifestMustBePresentAndOfThisModel() {
        String model = TestData.uniqueModel("manifest");
        String sha = TestData.uploadBlob(TestData.randomBytes(100, 23));

        post(model, new CreateVersionRequest(sha, null, null))
                .then().statusCode(400).body("detail", containsString("manifest"));
        post(model, new CreateVersionRequest(sha, TestData.manifest("other-model", 1, 1.0), null))
                .then().statusCode(422)
                .body("detail", containsString("other-model"))
                .body("detail", containsString(model));
    }

    @Test
    void malformedJsonIs400NamingTheProblem() {
        String model = TestData.uniqueModel("json");

        given().contentType(ContentType.JSON).body("{\"weightsSha256\": ")
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON body"))
                .body("detail", containsString("line 1"));

        // valid JSON, but the manifest misses required fields: its record refuses to be built
        given().contentType(ContentType.JSON)
                .body("{\"weightsSha256\": \"" + "ab".repeat(32) + "\", \"manifest\": {\"modelName\": \"" + model + "\"}}")
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("manifest"));
    }

    @Test
    void unknownVersionIs404AndNonNumericVersionIs400() {
        String model = TestData.uniqueModel("missing");
        TestData.createVersion(model, 1);

        given().when().get("/api/v1/models/" + model + "/versions/2")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("no version 2"));
        given().when().get("/api/v1/models/" + model + "/versions/latest")
                .then().statusCode(400).body("detail", containsString("version"));
        given().when().get("/api/v1/models/" + model + "/versions?limit=0")
                .then().statusCode(400).body("detail", containsString("limit"));
    }

    @Test
    void unknownPathIsAProblemToo() {
        given().when().get("/api/v1/nothing-here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void unexpectedErrorIsA500ProblemWithAnErrorId() {
        given().when().get(FailingResource.PATH)
                .then().statusCode(500)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:internal-error"))
                .body("title", equalTo("Internal error"))
                .body("detail", matchesPattern("the registry failed \\(IllegalStateException\\); error id [0-9a-f-]{36}"))
                .body("instance", equalTo(FailingResource.PATH));
        given().when().get("/api/v1/nothing-here")
                .then().statusCode(404)
                .body("type", equalTo("about:blank"))
                .body("title", equalTo("Not Found"));
    }

    @Test
    void openApiDocumentsTheVersionsEndpoint() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/v1/models/{name}/versions"))
                .body("paths.keySet()", hasItem("/api/v1/models/{name}/aliases/{alias}"))
                .body("paths.'/api/v1/models/{name}/versions'.post.parameters.name", hasItem(IdempotencyKey.HEADER))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
    }

    @Test
    void encodedSeparatorsInModelNamesAreRefused() {
        for (String name : List.of("..%2F..%2Fetc", "a%2Fb", "%2E%2E")) {
            int status = given().urlEncodingEnabled(false).when().get("/api/v1/models/" + name + "/versions")
                    .then().extract().statusCode();
            assertThat(status).as(name).isIn(400, 404);
        }
    }

    /** Posts a create with {@code Idempotency-Key: <headerValue>}. */
    private static io.restassured.response.Response post(String model, CreateVersionRequest request, String headerValue) {
        return given().contentType(ContentType.JSON).header(IdempotencyKey.HEADER, headerValue).body(Json.write(request))
                .when().post("/api/v1/models/" + model + "/versions");
    }

    private static io.restassured.response.Response post(String model, CreateVersionRequest request) {
        return given().contentType(ContentType.JSON).body(Json.write(request))
                .when().post("/api/v1/models/" + model + "/versions");
    }

    private static ModelVersion get(String model, int version) {
        return Json.read(given().when().get("/api/v1/models/" + model + "/versions/" + version)
                .then().statusCode(200).extract().asByteArray(), ModelVersion.class);
    }

    private static Page<ModelVersion> list(String model, int offset, int limit) {
        byte[] body = given().when().get("/api/v1/models/" + model + "/versions?offset=" + offset + "&limit=" + limit)
                .then().statusCode(200).extract().asByteArray();
        try {
            return Json.MAPPER.readValue(body, new com.fasterxml.jackson.core.type.TypeReference<>() {
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
