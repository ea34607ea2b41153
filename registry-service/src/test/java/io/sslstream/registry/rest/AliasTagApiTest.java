package io.sslstream.registry.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Aliases ({@code latest} moves by itself, others are set through the API) and tags of versions. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class AliasTagApiTest {

    @Test
    void latestFollowsTheNewestVersion() {
        String model = TestData.uniqueModel("latest");
        TestData.createVersion(model, 1);
        assertThat(alias(model, "latest").version()).isEqualTo(1);

        TestData.createVersion(model, 2);

        assertThat(alias(model, "latest").version()).isEqualTo(2);
        assertThat(alias(model, "latest").aliases()).containsExactly("latest");
        assertThat(get(model, 1).aliases()).isEmpty();
    }

    @Test
    void championIsSetMovedAndListedWithItsVersion() {
        String model = TestData.uniqueModel("champion");
        TestData.createVersion(model, 1);
        TestData.createVersion(model, 2);

        ModelVersion set = Json.read(setAlias(model, "champion", "{\"version\": 1}").then().statusCode(200)
                .extract().asByteArray(), ModelVersion.class);
        assertThat(set.version()).isEqualTo(1);
        assertThat(set.aliases()).containsExactly("champion");
        assertThat(alias(model, "champion").version()).isEqualTo(1);
        given().when().get("/api/v1/models/" + model + "/aliases")
                .then().statusCode(200).body("latest", equalTo(2)).body("champion", equalTo(1));

        setAlias(model, "champion", "{\"version\": 2}").then().statusCode(200);

        assertThat(get(model, 2).aliases()).containsExactly("latest", "champion");
        assertThat(get(model, 1).aliases()).isEmpty();
        setAlias(model, "production", "{\"version\": 2}").then().statusCode(200);
        assertThat(get(model, 2).aliases()).containsExactly("latest", "champion", "production");
    }

    @Test
    void anUnsetAliasIs404() {
        String model = TestData.uniqueModel("unset");
        given().when().get("/api/v1/models/" + model + "/aliases/latest")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:sslstream:registry:problem:alias-not-found"));
        TestData.createVersion(model, 1);

        given().when().get("/api/v1/models/" + model + "/aliases/champion")
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("champion"));
    }

    @Test
    void latestCannotBeSetOrRemoved() {
        String model = TestData.uniqueModel("reserved");
        TestData.createVersion(model, 1);

        setAlias(model, "latest", "{\"version\": 1}").then().statusCode(400)
                .body("type", equalTo("urn:sslstream:registry:problem:alias-reserved"));
        given().when().delete("/api/v1/models/" + model + "/aliases/latest").then().statusCode(400);
    }

    @Test
    void badAliasRequestsAreRefusedPrecisely() {
        String model = TestData.uniqueModel("badalias");
        TestData.createVersion(model, 1);

        setAlias(model, "champion", "{\"version\": 9}").then().statusCode(422)
                .body("detail", containsString("version 9"));
        setAlias(model, "champion", "{}").then().statusCode(400).body("detail", containsString("version"));
        setAlias(model, "Champion", "{\"version\": 1}").then().statusCode(400)
                .body("type", equalTo("urn:sslstream:registry:problem:invalid-alias"));
        setAlias(model, "a..b", "{\"version\": 1}").then().statusCode(400);
        setAlias(model, "x".repeat(65), "{\"version\": 1}").then().statusCode(400);
        setAlias("Bad-Model", "champion", "{\"version\": 1}").then().statusCode(400)
                .body("type", equalTo("urn:sslstream:registry:problem:invalid-model-name"));
    }

    @Test
    void anAliasCanBeRemoved() {
        String model = TestData.uniqueModel("remove");
        TestData.createVersion(model, 1);
        setAlias(model, "champion", "{\"version\": 1}").then().statusCode(200);

        given().when().delete("/api/v1/models/" + model + "/aliases/champion").then().statusCode(204);

        given().when().get("/api/v1/models/" + model + "/aliases/champion").then().statusCode(404);
        given().when().delete("/api/v1/models/" + model + "/aliases/champion").then().statusCode(404);
        assertThat(get(model, 1).aliases()).containsExactly("latest");
    }

    @Test
    void tagsAreSetReplacedAndRemoved() {
        String model = TestData.uniqueModel("tags");
        TestData.createVersion(model, "run-1", "simclr", 1, Map.of("stage", "test"));

        ModelVersion json = Json.read(given().contentType(ContentType.JSON).body("{\"value\": \"prod\"}")
                .when().put(tagPath(model, 1, "stage")).then().statusCode(200).extract().asByteArray(), ModelVersion.class);
        given().contentType(ContentType.TEXT).body("candidate")
                .when().put(tagPath(model, 1, "review")).then().statusCode(200);

        assertThat(json.tags()).isEqualTo(Map.of("stage", "prod"));
        assertThat(get(model, 1).tags()).isEqualTo(Map.of("stage", "prod", "review", "candidate"));
        assertThat(SearchApiTest.versions(model, "tag=review=candidate")).containsExactly(1);

        given().when().delete(tagPath(model, 1, "stage")).then().statusCode(204);

        assertThat(get(model, 1).tags()).isEqualTo(Map.of("review", "candidate"));
        given().when().delete(tagPath(model, 1, "stage")).then().statusCode(404)
                .body("type", equalTo("urn:sslstream:registry:problem:tag-not-found"));
    }

    @Test
    void badTagsAreRefused() {
        String model = TestData.uniqueModel("badtags");
        TestData.createVersion(model, 1);

        given().contentType(ContentType.TEXT).body("v").when().put(tagPath(model, 1, "bad key"))
                .then().statusCode(400).body("type", equalTo("urn:sslstream:registry:problem:invalid-tag"));
        given().contentType(ContentType.TEXT).body("v").when().put(tagPath(model, 1, "k".repeat(65))).then().statusCode(400);
        given().contentType(ContentType.TEXT).body("line\nbreak").when().put(tagPath(model, 1, "note"))
                .then().statusCode(400).body("detail", containsString("control characters"));
        given().contentType(ContentType.TEXT).body("v".repeat(257)).when().put(tagPath(model, 1, "note")).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{}").when().put(tagPath(model, 1, "note")).then().statusCode(400);
        given().contentType(ContentType.TEXT).body("v").when().put(tagPath(model, 2, "note")).then().statusCode(404);

        String sha = TestData.uploadBlob(TestData.randomBytes(64, 5));
        given().contentType(ContentType.JSON)
                .body(Json.write(new CreateVersionRequest(sha, TestData.manifest(model, 2, 1.0), Map.of("bad/key", "v"))))
                .when().post("/api/v1/models/" + model + "/versions")
                .then().statusCode(400).body("detail", containsString("bad/key"));
        assertThat(SearchApiTest.versions(model, "")).containsExactly(1);
    }

    private static Response setAlias(String model, String alias, String body) {
        return given().contentType(ContentType.JSON).body(body).when().put("/api/v1/models/" + model + "/aliases/" + alias);
    }

    private static ModelVersion alias(String model, String alias) {
        return Json.read(given().when().get("/api/v1/models/" + model + "/aliases/" + alias)
                .then().statusCode(200).extract().asByteArray(), ModelVersion.class);
    }

    private static ModelVersion get(String model, int version) {
        return Json.read(given().when().get("/api/v1/models/" + model + "/versions/" + version)
                .then().statusCode(200).extract().asByteArray(), ModelVersion.class);
    }

    private static String tagPath(String model, int version, String key) {
        return "/api/v1/models/" + model + "/versions/" + version + "/tags/" + key;
    }
}
