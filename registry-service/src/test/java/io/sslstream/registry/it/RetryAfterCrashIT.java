package io.sslstream.registry.it;

import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.kafka.KafkaProcess;
import io.sslstream.kafka.ServiceProcess;
import io.sslstream.registry.CheckpointRegistry;
import io.sslstream.registry.TestData;
import io.sslstream.registry.store.BlobStore;
import io.sslstream.service.fault.Failpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retries after the registry died in the two windows a client cannot see into, each held open by a failpoint
 * ({@link Failpoints}) and closed by SIGKILL: after a version's commit and before its answer (issue #14: a retry
 * without an idempotency key made a duplicate version), and in the middle of a blob upload. After a restart on the
 * same data, the retry finds exactly what the first attempt left: one version (answered with 200, announced once),
 * or no blob and then one.
 */
class RetryAfterCrashIT {

    /** Long enough that only the kill ends the pause. */
    private static final String PAUSE = "=pause:120000";
    private static final Duration REACHED_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private ServiceProcess start(String log, String failpoint, String bootstrapServers) throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>(Map.of(
                "ssl.registry.data-dir", dir.resolve("data").toString(),
                "kafka.bootstrap.servers", bootstrapServers));
        if (failpoint != null) {
            properties.put(Failpoints.KEY, failpoint + PAUSE);
        }
        return RegistryProcess.start(Path.of("target/it-logs/retry-after-crash-" + log + ".log"), "128m", properties, Map.of());
    }

    @Test
    void aCreateKilledAfterItsCommitIsAnsweredByItsRetryWithTheSameVersionAnnouncedOnce() throws Exception {
        String model = TestData.uniqueModel("commit-crash");
        Path weights = Files.write(dir.resolve("ckpt.bin"), TestData.randomBytes(50_000, 60));
        String sha = Sha256.of(weights);
        CreateVersionRequest request = new CreateVersionRequest(sha, TestData.manifest(model, "local", "simclr", 60, 0.5),
                Map.of("run", "local"));
        String key = IdempotencyKey.forCheckpoint("local", 60, sha);

        try (KafkaProcess broker = KafkaProcess.start(dir.resolve("kafka"), Path.of("target/it-logs/retry-after-crash-kafka.log"), 1, 256)) {
            try (ServiceProcess registry = start("commit-killed", CheckpointRegistry.AFTER_VERSION_COMMIT, broker.bootstrapServers())) {
                RegistryClient client = new RegistryClient(registry.url("/"), null, Duration.ofSeconds(150));
                client.putBlob(weights, sha);
                CompletableFuture<ModelVersion> first = CompletableFuture.supplyAsync(() -> client.createVersion(model, request, key));

                registry.awaitLog(Failpoints.REACHED + CheckpointRegistry.AFTER_VERSION_COMMIT, REACHED_WITHIN);
                assertThat(registry.kill(Duration.ofSeconds(30))).as("gone after SIGKILL").isTrue();

                assertThatThrownBy(() -> first.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(RegistryException.class,
                                e -> assertThat(e.isTransient()).as("the client sees a failure worth retrying").isTrue());
            }

            ModelVersion answered;
            try (ServiceProcess restarted = start("commit-restarted", null, broker.bootstrapServers())) {
                RegistryClient client = new RegistryClient(restarted.url("/"), null, Duration.ofSeconds(30));
                Http.Result retry = Http.json("POST", restarted.url("/api/v1/models/" + model + "/versions"), null,
                        Json.writeString(request), Map.of(IdempotencyKey.HEADER, IdempotencyKey.toHeaderValue(key)));
                answered = Json.read(retry.text(), ModelVersion.class);
                ModelVersion viaClient = client.createVersion(model, request, key);
                // a version made after the retries: the relay publishes in outbox order, so an event a retry had
                // added would reach the topic before this one's
                ModelVersion next = client.createVersion(model, new CreateVersionRequest(sha,
                        TestData.manifest(model, "local", "simclr", 61, 0.5), Map.of()), IdempotencyKey.forCheckpoint("local", 61, sha));
                List<CheckpointPublished> events = CheckpointTopic.read(broker.bootstrapServers(), model, 2);

                assertThat(retry.status()).as(retry.text()).isEqualTo(200);
                assertThat(answered.version()).isEqualTo(1);
                assertThat(answered.weightsSha256()).isEqualTo(sha);
                assertThat(answered.step()).isEqualTo(60);
                assertThat(viaClient).isEqualTo(answered);
                assertThat(next.version()).isEqualTo(2);
                assertThat(client.listVersions(model, 0, 10).total()).isEqualTo(2);
                assertThat(events).filteredOn(e -> e.version() == 1)
                        .as("version 1 is announced by one event (at-least-once delivery may repeat it, never another)")
                        .extracting(CheckpointPublished::eventId).containsOnly(events.get(0).eventId());
                assertThat(events).extracting(CheckpointPublished::version).containsOnly(1, 2);
                assertThat(events.get(0).weightsSha256()).isEqualTo(sha);
                assertThat(restarted.logText()).contains("already created version 1");
            }
        }
        // the registry stopped cleanly: its embedded database can be opened here
        assertThat(outboxEvents(model)).as("the versions of the model's outbox rows").containsExactly(1, 2);
    }

    @Test
    void anUploadKilledMidStreamLeavesNoBlobAndItsRetryStoresOne() throws Exception {
        Payload payload = new Payload(3, 8 << 20);
        String sha = payload.sha256();
        Path blobs = dir.resolve("data/blobs/sha256");
        Path tmp = dir.resolve("data/tmp");
        // no broker: the outbox keeps the events, which is not what this test looks at
        String noBroker = "localhost:" + ServiceProcess.freePort();

        try (ServiceProcess registry = start("upload-killed", BlobStore.DURING_BLOB_UPLOAD, noBroker)) {
            CompletableFuture<Object> upload = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.upload(registry.url("/api/v1/blobs/sha256/" + sha), payload, null, n -> {
                    });
                } catch (IOException e) {
                    return e;
                }
            });

            registry.awaitLog(Failpoints.REACHED + BlobStore.DURING_BLOB_UPLOAD, REACHED_WITHIN);
            Http.Result during = Http.json("HEAD", registry.url("/api/v1/blobs/sha256/" + sha), null, null);
            List<Path> partial = files(tmp);
            assertThat(registry.kill(Duration.ofSeconds(30))).as("gone after SIGKILL").isTrue();

            assertThat(during.status()).as("a blob being uploaded is not visible").isEqualTo(404);
            assertThat(partial).as("the upload's temp file").hasSize(1);
            assertThat(Files.size(partial.get(0))).isPositive().isLessThan(payload.size());
            assertThat(upload.get(60, TimeUnit.SECONDS)).as("the client sees the upload fail").isInstanceOf(IOException.class);
        }

        try (ServiceProcess restarted = start("upload-restarted", null, noBroker)) {
            assertThat(files(tmp)).as("start-up removed the partial upload").isEmpty();
            assertThat(restarted.logText()).contains("removed 1 partial upload(s)");
            assertThat(Http.json("HEAD", restarted.url("/api/v1/blobs/sha256/" + sha), null, null).status()).isEqualTo(404);
            assertThat(blobFiles(blobs)).isEmpty();

            Http.Result retry = Http.upload(restarted.url("/api/v1/blobs/sha256/" + sha), payload, null, n -> {
            });
            Http.Result download = Http.download(restarted.url("/api/v1/blobs/sha256/" + sha), Map.of());

            assertThat(retry.status()).as(retry.text()).isEqualTo(201);
            assertThat(retry.text()).contains("\"size\":" + payload.size());
            assertThat(download.sha256()).isEqualTo(sha);
            assertThat(download.length()).isEqualTo(payload.size());
            assertThat(blobFiles(blobs)).extracting(p -> p.getFileName().toString()).containsExactly(sha);
            assertThat(files(tmp)).isEmpty();
        }
    }

    /** The version each outbox row of the model announces, oldest row first. */
    private List<Integer> outboxEvents(String model) throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("data/db/registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT payload FROM outbox WHERE record_key = ? ORDER BY id")) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                List<Integer> versions = new ArrayList<>();
                while (rs.next()) {
                    versions.add(Json.read(rs.getString(1), CheckpointPublished.class).version());
                }
                return versions;
            }
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static List<Path> blobFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
