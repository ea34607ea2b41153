package io.sslstream.registry.security;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.kafka.KafkaTestResource;
import io.sslstream.registry.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sslstream.registry.security.SecurityTest.as;
import static org.assertj.core.api.Assertions.assertThat;

/** Retention on demand through the admin API, with the policy of {@link SecuredProfile} (keep the 2 newest). */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
class RetentionApiTest {

    @Test
    void keepsTheNewestAndTheAliasedAndDeletesTheRestWithTheirBlobs() {
        String model = TestData.uniqueModel("retain");
        List<ModelVersion> v = List.of(SecurityTest.create(model, 1), SecurityTest.create(model, 2),
                SecurityTest.create(model, 3), SecurityTest.create(model, 4), SecurityTest.create(model, 5));
        as(SecuredProfile.WRITER).contentType(ContentType.JSON).body("{\"version\": 1}")
                .when().put("/api/v1/models/" + model + "/aliases/champion").then().statusCode(200);

        List<Integer> wouldDelete = deleted(true, model);
        assertThat(SecurityTest.SearchOf.versions(model)).containsExactly(5, 4, 3, 2, 1);
        List<Integer> deleted = deleted(false, model);

        assertThat(wouldDelete).containsExactly(2, 3);
        assertThat(deleted).containsExactly(2, 3);
        assertThat(SecurityTest.SearchOf.versions(model)).containsExactly(5, 4, 1);
        as(SecuredProfile.READER).when().get("/api/v1/models/" + model + "/versions/2").then().statusCode(404);
        as(SecuredProfile.READER).when().head("/api/v1/blobs/sha256/" + v.get(1).weightsSha256()).then().statusCode(404);
        as(SecuredProfile.READER).when().head("/api/v1/blobs/sha256/" + v.get(0).weightsSha256()).then().statusCode(200);
        assertThat(deleted(false, model)).isEmpty();
    }

    /** Runs retention as admin; the version numbers of {@code model} it reports. */
    private static List<Integer> deleted(boolean dryRun, String model) {
        return as(SecuredProfile.ADMIN).when().post("/api/v1/admin/retention?dryRun=" + dryRun)
                .then().statusCode(200).extract().jsonPath()
                .getList("versions.findAll { it.model == '" + model + "' }.version", Integer.class);
    }
}
