package io.sslstream.registry.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Bearer tokens and scopes: 401 without a (valid) token, 403 without the scope, problem+json either way. */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class SecurityTest {

    @TestHTTPResource("/")
    URI base;

    @TempDir
    Path dir;

    @Test
    void writesNeedATokenWithTheWriteScope() {
        byte[] bytes = TestData.randomBytes(500, 41);
        String sha = Sha256.of(bytes);
        String path = "/api/v1/blobs/sha256/" + sha;

        as(null).contentType(ContentType.BINARY).body(bytes).when().put(path)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer realm="))
                .body("type", equalTo("urn:sslstream:registry:problem:missing-token"))
                .body("detail", containsString("write"));
        as(SecuredProfile.READER).contentType(ContentType.BINARY).body(bytes).when().put(path)
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:missing-scope"))
                .body("detail", containsString("'reader'"))
                .body("detail", containsString("write"));
        as(SecuredProfile.READER).when().head(path).then().statusCode(404);

        as(SecuredProfile.WRITER).contentType(ContentType.BINARY).body(bytes).when().put(path).then().statusCode(201);
        as(SecuredProfile.READER).when().head(path).then().statusCode(200);
    }

    @Test
    void everyWriteOperationChecksTheScope() {
        String model = TestData.uniqueModel("scoped");
        ModelVersion v = create(model, 1);
        String versionPath = "/api/v1/models/" + model + "/versions/1";

        for (String token : new String[]{null, SecuredProfile.READER}) {
            int expected = token == null ? 401 : 403;
            as(token).contentType(ContentType.JSON)
                    .body(Json.write(new CreateVersionRequest(v.weightsSha256(), TestData.manifest(model, 2, 1.0), null)))
                    .when().post("/api/v1/models/" + model + "/versions").then().statusCode(expected);
            as(token).contentType(ContentType.JSON).body(Json.write(TestData.evaluation(v, 0.8)))
                    .when().post(versionPath + "/evaluations").then().statusCode(expected);
            as(token).contentType(ContentType.JSON).body("{\"version\": 1}")
                    .when().put("/api/v1/models/" + model + "/aliases/champion").then().statusCode(expected);
            as(token).when().delete("/api/v1/models/" + model + "/aliases/champion").then().statusCode(expected);
            as(token).contentType(ContentType.TEXT).body("x").when().put(versionPath + "/tags/k").then().statusCode(expected);
            as(token).when().delete(versionPath + "/tags/stage").then().statusCode(expected);
            as(token).when().post("/api/v1/admin/retention?dryRun=true").then().statusCode(expected);
        }
        as(SecuredProfile.WRITER).when().post("/api/v1/admin/retention?dryRun=true").then().statusCode(403)
                .body("detail", containsString("admin"));
        as(SecuredProfile.WRITER).contentType(ContentType.JSON).body("{\"version\": 1}")
                .when().put("/api/v1/models/" + model + "/aliases/champion").then().statusCode(200);
        as(SecuredProfile.ADMIN).when().post("/api/v1/admin/retention?dryRun=true").then().statusCode(200);

        assertThat(SearchOf.versions(model)).containsExactly(1);
    }

    @Test
    void readsNeedATokenWhenAnonymousReadsAreOff() {
        String model = TestData.uniqueModel("reads");
        ModelVersion v = create(model, 1);

        for (String path : List.of("/api/v1/models", "/api/v1/models/" + model + "/versions",
                "/api/v1/models/" + model + "/versions/1", "/api/v1/models/" + model + "/versions/1/weights",
                "/api/v1/models/" + model + "/aliases/latest", "/api/v1/blobs/sha256/" + v.weightsSha256())) {
            as(null).when().get(path).then().statusCode(401);
            as(SecuredProfile.READER).when().get(path).then().statusCode(200);
        }
        as(null).when().head("/api/v1/blobs/sha256/" + v.weightsSha256()).then().statusCode(401);
    }

    @Test
    void unknownOrMalformedTokensAre401() {
        for (String header : List.of("Bearer not-a-known-token-at-all", "Basic d3JpdGVyOnNlY3JldA==", "Bearer ",
                "Bearer" + SecuredProfile.WRITER, "bearer " + SecuredProfile.WRITER.substring(1))) {
            given().header("Authorization", header).when().get("/api/v1/models")
                    .then().statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("invalid_token"))
                    .body("type", equalTo("urn:sslstream:registry:problem:invalid-token"));
        }
        // the scheme is case-insensitive (RFC 7235)
        given().header("Authorization", "bearer " + SecuredProfile.READER).when().get("/api/v1/models").then().statusCode(200);
    }

    @Test
    void healthAndMetricsStayOpenAndCountRefusals() {
        as(null).when().get("/api/v1/models").then().statusCode(401);

        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("ssl_registry_auth_denied_total{reason=\"missing-token\"}"));
    }

    @Test
    void theClientsSendTheirTokens() throws Exception {
        String model = TestData.uniqueModel("client-auth");
        Path weights = Files.write(dir.resolve("w.bin"), TestData.randomBytes(2000, 42));
        String sha = Sha256.of(weights);
        RegistryClient trainer = new RegistryClient(base, SecuredProfile.WRITER, Duration.ofSeconds(30));
        RegistryClient anonymous = new RegistryClient(base, null, Duration.ofSeconds(30));

        trainer.putBlob(weights, sha);
        ModelVersion created = trainer.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, 1, 0.5), Map.of()));
        trainer.setAlias(model, "champion", created.version());

        assertThat(trainer.alias(model, "champion")).map(ModelVersion::version).contains(1);
        assertThat(trainer.hasBlob(sha)).isTrue();
        assertThatThrownBy(() -> anonymous.getVersion(model, 1))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> new RegistryClient(base, SecuredProfile.READER, Duration.ofSeconds(30)).putBlob(weights, sha))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    static RequestSpecification as(String token) {
        RequestSpecification spec = given();
        return token == null ? spec : spec.header("Authorization", "Bearer " + token);
    }

    /** Uploads a blob and creates a version with the writer's token. */
    static ModelVersion create(String model, long step) {
        byte[] bytes = TestData.randomBytes(3000, step * 7 + model.hashCode());
        String sha = Sha256.of(bytes);
        as(SecuredProfile.WRITER).contentType(ContentType.BINARY).body(bytes).when().put("/api/v1/blobs/sha256/" + sha)
                .then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
        return Json.read(as(SecuredProfile.WRITER).contentType(ContentType.JSON)
                .body(Json.write(new CreateVersionRequest(sha, TestData.manifest(model, step, 1.0), Map.of("stage", "test"))))
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(201).extract().asByteArray(), ModelVersion.class);
    }

    /** Version numbers of a model, newest first, read with the reader's token. */
    static final class SearchOf {
        static List<Integer> versions(String model) {
            return as(SecuredProfile.READER).when().get("/api/v1/models/" + model + "/versions")
                    .then().statusCode(200).extract().jsonPath().getList("items.version", Integer.class);
        }
    }
}
