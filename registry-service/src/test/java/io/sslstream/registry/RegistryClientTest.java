package io.sslstream.registry;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.registry.BlobInfo;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.contracts.registry.VersionQuery;
import io.sslstream.kafka.KafkaTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client the trainer and evaluator use, against this registry: proves that both sides agree on the API. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
public class RegistryClientTest {

    @TestHTTPResource("/")
    URI base;

    @TempDir
    Path dir;

    @Test
    void trainerAndEvaluatorRoundTrip() throws Exception {
        RegistryClient client = new RegistryClient(base, null, Duration.ofSeconds(30));
        String model = TestData.uniqueModel("client");
        Path weights = Files.write(dir.resolve("weights.bin"), TestData.randomBytes(1_500_000, 31));
        String sha = Sha256.of(weights);

        BlobInfo blob = client.putBlob(weights, sha);
        ModelVersion created = client.createVersion(model,
                new CreateVersionRequest(sha, TestData.manifest(model, 200, 0.5), Map.of("by", "client")));
        Page<ModelVersion> page = client.listVersions(model, 0, 10);
        Path downloaded = dir.resolve("downloaded.bin");
        client.downloadWeights(model, created.version(), downloaded);
        Path byDigest = dir.resolve("by-digest.bin");
        client.downloadBlob(sha, byDigest);
        EvaluationCompleted evaluation = TestData.evaluation(created, 0.84);
        client.addEvaluation(model, created.version(), evaluation);
        client.addEvaluation(model, created.version(), evaluation);

        assertThat(blob).isEqualTo(new BlobInfo(sha, Files.size(weights)));
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.aliases()).containsExactly("latest");
        assertThat(page.items()).extracting(ModelVersion::version).containsExactly(1);
        assertThat(Sha256.of(downloaded)).isEqualTo(sha);
        assertThat(Sha256.of(byDigest)).isEqualTo(sha);
        assertThat(client.getVersion(model, 1).evaluations()).containsExactly(evaluation);
    }

    @Test
    void aCreateRetriedWithItsKeyGetsTheSameVersion() throws Exception {
        RegistryClient client = new RegistryClient(base, null, Duration.ofSeconds(30));
        String model = TestData.uniqueModel("client-idem");
        Path weights = Files.write(dir.resolve("ckpt.bin"), TestData.randomBytes(20_000, 33));
        String sha = Sha256.of(weights);
        var manifest = TestData.manifest(model, "local", "simclr", 60, 0.5);
        String key = IdempotencyKey.forCheckpoint(manifest.runId(), manifest.step(), sha);
        client.putBlob(weights, sha);

        ModelVersion first = client.createVersion(model, new CreateVersionRequest(sha, manifest, Map.of("run", "local")), key);
        ModelVersion retried = client.createVersion(model, new CreateVersionRequest(sha, manifest, Map.of("run", "local")), key);

        assertThat(retried).isEqualTo(first);
        assertThat(client.listVersions(model, 0, 10).total()).isEqualTo(1);
        var otherManifest = TestData.manifest(model, "local", "simclr", 61, 0.5);
        assertThatThrownBy(() -> client.createVersion(model, new CreateVersionRequest(sha, otherManifest, null), key))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(key).contains("version 1");
                });
        assertThatThrownBy(() -> client.createVersion(model, new CreateVersionRequest(sha, manifest, null), "a key"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(client.listVersions(model, 0, 10).total()).isEqualTo(1);
    }

    @Test
    void allVersionsReadsEveryPageAndAModelWithoutVersionsHasNone() throws Exception {
        RegistryClient client = new RegistryClient(base, null, Duration.ofSeconds(30));
        String model = TestData.uniqueModel("all");
        assertThat(client.allVersions(model)).isEmpty(); // 404 before the first version
        Path weights = Files.write(dir.resolve("all.bin"), TestData.randomBytes(1_000, 7));
        String sha = Sha256.of(weights);
        client.putBlob(weights, sha);
        for (int step = 1; step <= 101; step++) { // one more than a page
            client.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, step, 0.5), Map.of()));
        }
        assertThat(client.allVersions(model)).extracting(ModelVersion::version)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 101).map(i -> 102 - i).boxed().toList());
    }

    @Test
    void searchAliasesAndBlobExistence() throws Exception {
        RegistryClient client = new RegistryClient(base, null, Duration.ofSeconds(30));
        String model = TestData.uniqueModel("client-search");
        Path weights = Files.write(dir.resolve("w.bin"), TestData.randomBytes(10_000, 32));
        String sha = Sha256.of(weights);
        assertThat(client.hasBlob(sha)).isFalse();
        client.putBlob(weights, sha);
        for (long step : new long[]{30, 10, 20}) {
            client.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, "run-x", "simclr", step, 0.5),
                    Map.of("stage", step == 10 ? "prod" : "test")));
        }
        client.createVersion(model, new CreateVersionRequest(sha, TestData.manifest(model, "run-y", "byol", 99, 0.5), null));

        Page<ModelVersion> resume = client.findVersions(model, VersionQuery.all().run("run-x").orderBy("step", true).page(0, 1));
        Page<ModelVersion> prod = client.findVersions(model, VersionQuery.all().tag("stage=prod"));
        Page<ModelVersion> byStepAsc = client.findVersions(model, VersionQuery.all().method("simclr").orderBy("step", false));
        Optional<ModelVersion> before = client.alias(model, "champion");
        ModelVersion set = client.setAlias(model, "champion", 2);

        assertThat(client.hasBlob(sha)).isTrue();
        assertThat(resume.items()).extracting(ModelVersion::step).containsExactly(30L);
        assertThat(resume.total()).isEqualTo(3);
        assertThat(prod.items()).extracting(ModelVersion::version).containsExactly(2);
        assertThat(byStepAsc.items()).extracting(ModelVersion::step).containsExactly(10L, 20L, 30L);
        assertThat(before).isEmpty();
        assertThat(set.aliases()).containsExactly("champion");
        assertThat(client.alias(model, "champion")).map(ModelVersion::version).contains(2);
        assertThat(client.alias(model, "latest")).map(ModelVersion::version).contains(4);
        assertThatThrownBy(() -> client.setAlias(model, "latest", 1))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void errorsCarryTheProblemDetail() throws Exception {
        RegistryClient client = new RegistryClient(base, null, Duration.ofSeconds(30));
        Path file = Files.write(dir.resolve("x.bin"), new byte[]{1, 2, 3});
        String wrong = Sha256.of(new byte[]{4});
        String actual = Sha256.of(file);

        assertThatThrownBy(() -> client.putBlob(file, wrong))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(wrong).contains(actual);
                });
        assertThatThrownBy(() -> client.getVersion(TestData.uniqueModel("none"), 1))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no version 1");
                });
        assertThatThrownBy(() -> client.downloadBlob("0".repeat(64), dir.resolve("none.bin")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(dir.resolve("none.bin")).doesNotExist();
        assertThat(dir.resolve("none.bin.part")).doesNotExist();
    }
}
