package io.sslstream.registry.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import io.sslstream.registry.store.Jdbc;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class EvaluationApiTest {

    @Inject
    Jdbc jdbc;

    @Test
    void postingTheSameEventTwiceStoresItOnce() {
        String model = TestData.uniqueModel("eval");
        ModelVersion v = TestData.createVersion(model, 10);
        EvaluationCompleted evaluation = TestData.evaluation(v, 0.83);

        post(model, 1, evaluation).then().statusCode(201);
        post(model, 1, evaluation).then().statusCode(200);

        ModelVersion read = get(model, 1);
        assertThat(read.evaluations()).containsExactly(evaluation);
        assertThat(results(evaluation)).containsExactlyInAnyOrder("linear/encoder/0.83", "knn@20/encoder/0.82");
    }

    @Test
    void evaluationsAreListedOldestFirst() {
        String model = TestData.uniqueModel("evals");
        ModelVersion v = TestData.createVersion(model, 10);
        EvaluationCompleted first = TestData.evaluation(v, 0.80);
        EvaluationCompleted second = TestData.evaluation(v, 0.85);

        post(model, 1, first).then().statusCode(201);
        post(model, 1, second).then().statusCode(201);

        assertThat(get(model, 1).evaluations()).containsExactly(first, second);
    }

    @Test
    void evaluationOfAnotherVersionIsRefused() {
        String model = TestData.uniqueModel("evalmis");
        ModelVersion v = TestData.createVersion(model, 10);
        TestData.createVersion(model, 11);

        post(model, 2, TestData.evaluation(v, 0.8))
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("version 1"));
        post(model, 3, TestData.evaluation(new ModelVersion(model, 3, null, null, null, 0, 0, null, v.weightsSha256(),
                0, null, null, null, null, null), 0.8))
                .then().statusCode(404);
    }

    @Test
    void accuracyOutOfRangeIs400() {
        String model = TestData.uniqueModel("evalbad");
        TestData.createVersion(model, 10);
        String body = """
                {"schemaVersion": 1, "eventId": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "timestamp": "2026-01-01T00:00:00Z",
                 "modelName": "%s", "version": 1, "status": "succeeded", "seconds": 1.0,
                 "results": [{"protocol": "linear", "featureSet": "encoder", "accuracy": 1.5, "spread": 0, "seconds": 1}]}
                """.formatted(model);

        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/models/" + model + "/versions/1/evaluations")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("accuracy"));
    }

    private static io.restassured.response.Response post(String model, int version, EvaluationCompleted e) {
        return given().contentType(ContentType.JSON).body(Json.write(e))
                .when().post("/api/v1/models/" + model + "/versions/" + version + "/evaluations");
    }

    private static ModelVersion get(String model, int version) {
        return Json.read(given().when().get("/api/v1/models/" + model + "/versions/" + version)
                .then().statusCode(200).extract().asByteArray(), ModelVersion.class);
    }

    /** The per-protocol rows stored for an evaluation, as {@code protocol/featureSet/accuracy}. */
    private List<String> results(EvaluationCompleted e) {
        String sql = """
                SELECT r.protocol, r.feature_set, r.accuracy FROM evaluation_result r
                JOIN evaluation e ON e.id = r.evaluation_id WHERE e.event_id = ?
                """;
        return jdbc.read("read results", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, e.eventId().toString());
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getDouble(3));
                    }
                }
                return rows;
            }
        });
    }
}
