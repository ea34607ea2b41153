package io.sslstream.registry.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Searching versions: filters, orders (creation, step, evaluation metric), directions and paging. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class SearchApiTest {

    /** Four versions: (run-a, simclr, step 10), (run-a, simclr, 20), (run-b, byol, 30), (run-b, simclr, 5). */
    private static String fourVersions(String prefix) {
        String model = TestData.uniqueModel(prefix);
        TestData.createVersion(model, "run-a", "simclr", 10, Map.of("stage", "test", "split", "a"));
        TestData.createVersion(model, "run-a", "simclr", 20, Map.of("stage", "prod"));
        TestData.createVersion(model, "run-b", "byol", 30, Map.of("stage", "test"));
        TestData.createVersion(model, "run-b", "simclr", 5, Map.of());
        return model;
    }

    @Test
    void filtersByRunMethodAndTags() {
        String model = fourVersions("filter");

        assertThat(versions(model, "run=run-a")).containsExactly(2, 1);
        assertThat(versions(model, "method=byol")).containsExactly(3);
        assertThat(versions(model, "run=run-b&method=simclr")).containsExactly(4);
        assertThat(versions(model, "tag=stage=test")).containsExactly(3, 1);
        assertThat(versions(model, "tag=stage")).containsExactly(3, 2, 1);
        assertThat(versions(model, "tag=stage=test&tag=split=a")).containsExactly(1);
        assertThat(versions(model, "tag=split")).containsExactly(1);
        assertThat(versions(model, "run=run-c")).isEmpty();
        assertThat(search(model, "tag=stage=test").total()).isEqualTo(2);
    }

    @Test
    void ordersByCreationOrStepEitherWay() {
        String model = fourVersions("order");

        assertThat(versions(model, "")).containsExactly(4, 3, 2, 1);
        assertThat(versions(model, "order=created&dir=asc")).containsExactly(1, 2, 3, 4);
        assertThat(versions(model, "order=step&dir=desc")).containsExactly(3, 2, 1, 4);
        assertThat(versions(model, "order=step&dir=asc")).containsExactly(4, 1, 2, 3);
    }

    @Test
    void theTrainersResumeQueryFindsTheNewestStepOfItsRun() {
        String model = fourVersions("resume");

        Page<ModelVersion> page = search(model, "run=run-a&order=step&dir=desc&offset=0&limit=1");

        assertThat(page.items()).extracting(ModelVersion::version).containsExactly(2);
        assertThat(page.items().get(0).step()).isEqualTo(20);
        assertThat(page.total()).isEqualTo(2);
    }

    @Test
    void ordersByTheNewestSucceededEvaluationOfAProtocolWithUnevaluatedLast() {
        String model = TestData.uniqueModel("metric");
        ModelVersion v1 = TestData.createVersion(model, 1);
        ModelVersion v2 = TestData.createVersion(model, 2);
        ModelVersion v3 = TestData.createVersion(model, 3);
        TestData.createVersion(model, 4);
        TestData.evaluate(v1, 0.80);
        TestData.evaluate(v2, 0.85);
        TestData.evaluate(v3, 0.70);
        TestData.evaluate(v3, 0.90);
        // neither a baseline's number nor a failed evaluation's counts
        post(evaluation(v1, "succeeded", "raw-pixels", 0.99));
        post(evaluation(v2, "failed", "encoder", 0.98));

        assertThat(versions(model, "order=metric:linear")).containsExactly(3, 2, 1, 4);
        assertThat(versions(model, "order=metric:linear&dir=asc")).containsExactly(1, 2, 3, 4);
        assertThat(versions(model, "order=metric:knn@20")).containsExactly(3, 2, 1, 4);
        assertThat(versions(model, "order=metric:linear@100")).containsExactly(4, 3, 2, 1);
        assertThat(versions(model, "order=metric:linear&limit=1")).containsExactly(3);
    }

    @Test
    void pagesCarryOffsetLimitAndTotal() {
        String model = fourVersions("paging");

        Page<ModelVersion> page = search(model, "order=step&dir=asc&offset=1&limit=2");

        assertThat(page.items()).extracting(ModelVersion::version).containsExactly(1, 2);
        assertThat(page.offset()).isEqualTo(1);
        assertThat(page.limit()).isEqualTo(2);
        assertThat(page.total()).isEqualTo(4);
        assertThat(versions(model, "offset=4")).isEmpty();
    }

    @Test
    void badParametersAre400NamingTheParameter() {
        String model = TestData.uniqueModel("badsearch");
        Map<String, String> cases = Map.of(
                "order=bogus", "order",
                "order=metric:", "metric",
                "dir=sideways", "dir",
                "limit=0", "limit",
                "offset=-1", "offset",
                "limit=x", "limit",
                "tag=a%2Fb", "tag key",
                "tag=" + "k".repeat(65), "tag key",
                "run=" + "r".repeat(257), "run");
        cases.forEach((query, word) -> given().when().get("/api/v1/models/" + model + "/versions?" + query)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString(word)));
    }

    @Test
    void listedVersionsCarryTheirTagsAndAliases() {
        String model = fourVersions("listed");
        given().contentType(ContentType.JSON).body("{\"version\": 1}")
                .when().put("/api/v1/models/" + model + "/aliases/champion").then().statusCode(200);

        List<ModelVersion> items = search(model, "order=created&dir=asc").items();

        assertThat(items.get(0).aliases()).containsExactly("champion");
        assertThat(items.get(0).tags()).isEqualTo(Map.of("stage", "test", "split", "a"));
        assertThat(items.get(3).aliases()).containsExactly("latest");
        assertThat(items.get(3).tags()).isEmpty();
        given().when().get("/api/v1/models/" + model + "/versions?tag=stage=prod")
                .then().statusCode(200).body("items[0].version", equalTo(2));
    }

    static Page<ModelVersion> search(String model, String query) {
        String path = "/api/v1/models/" + model + "/versions" + (query.isEmpty() ? "" : "?" + query);
        byte[] body = given().when().get(path)
                .then().statusCode(200).extract().asByteArray();
        try {
            return Json.MAPPER.readValue(body, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Integer> versions(String model, String query) {
        return search(model, query).items().stream().map(ModelVersion::version).toList();
    }

    private static EvaluationCompleted evaluation(ModelVersion v, String status, String featureSet, double accuracy) {
        return new EvaluationCompleted(EvaluationCompleted.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), v.model(),
                v.version(), v.weightsSha256(), "fashion-mnist", status, null,
                List.of(new ProtocolResult("linear", featureSet, Map.of(), accuracy, 0, 1)), 1.0);
    }

    private static void post(EvaluationCompleted e) {
        given().contentType(ContentType.JSON).body(Json.write(e))
                .when().post("/api/v1/models/" + e.modelName() + "/versions/" + e.version() + "/evaluations")
                .then().statusCode(201);
    }
}
