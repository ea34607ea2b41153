package io.sslstream.registry.retention;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.TestData;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.registry.postgres.TestDatabase;
import io.sslstream.registry.store.AliasStore;
import io.sslstream.registry.store.BlobStore;
import io.sslstream.registry.store.EvaluationStore;
import io.sslstream.registry.store.Jdbc;
import io.sslstream.registry.store.RetentionStore;
import io.sslstream.registry.store.TagStore;
import io.sslstream.registry.store.VersionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The retention policy on both databases, with real blob files. */
class RetentionServiceTest {

    @TempDir
    Path dataDir;

    private TestDatabase db;
    private Jdbc jdbc;
    private BlobStore blobs;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VersionStore versions = new VersionStore();
    private final AliasStore aliases = new AliasStore();
    private final TagStore tags = new TagStore();
    private final EvaluationStore evaluations = new EvaluationStore();
    /** Blob digests by name, and version row ids by "model/version". */
    private final Map<String, String> shas = new HashMap<>();
    private final Map<String, Long> ids = new HashMap<>();

    private void open(TestDatabase.Kind kind) {
        db = TestDatabase.migrated(kind);
        jdbc = new Jdbc(db.dataSource());
        blobs = new BlobStore(dataDir);
        blobs.init();
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    /**
     * Model {@code a}: v1 (blob z, champion), v2 (blob x, tagged and evaluated), v3 (blob y), v4 (blob x), v5 (blob w).
     * Model {@code b}: v1 (blob v). All created {@code age} ago except a/v5 and b/v1, created now.
     */
    private void populate(Duration age) throws IOException {
        Instant old = Instant.now().minus(age).truncatedTo(ChronoUnit.MICROS);
        version("a", 1, "z", old);
        version("a", 2, "x", old);
        version("a", 3, "y", old);
        version("a", 4, "x", old);
        version("a", 5, "w", Instant.now().truncatedTo(ChronoUnit.MICROS));
        version("b", 1, "v", old);
        jdbc.inTransaction("decorate", c -> {
            long a = versions.modelId(c, "a").orElseThrow();
            aliases.set(c, a, "champion", ids.get("a/1"), Instant.now());
            tags.insertAll(c, ids.get("a/2"), Map.of("stage", "test"));
            ModelVersion v2 = new ModelVersion("a", 2, null, null, null, 0, 0, null, shas.get("x"), 0, null, null, null, null, null);
            evaluations.insert(c, ids.get("a/2"), TestData.evaluation(v2, 0.8), Instant.now());
            return null;
        });
    }

    private void version(String model, int version, String blob, Instant createdAt) throws IOException {
        byte[] bytes = TestData.randomBytes(1000 + blob.charAt(0), blob.charAt(0));
        String sha = Sha256.of(bytes);
        shas.put(blob, sha);
        blobs.put(sha, new ByteArrayInputStream(bytes), 1 << 20);
        long id = jdbc.inTransaction("insert", c -> {
            long modelId = versions.ensureModel(c, model, createdAt);
            return versions.insert(c, modelId, version, TestData.manifest(model, version, 0.5), sha, bytes.length, createdAt,
                    null);
        });
        ids.put(model + "/" + version, id);
    }

    private RetentionService service(int keepLast, Duration maxAge) {
        RegistryConfig.Retention policy = new RegistryConfig.Retention() {
            @Override
            public int keepLast() {
                return keepLast;
            }

            @Override
            public Optional<Duration> maxAge() {
                return Optional.ofNullable(maxAge);
            }

            @Override
            public String every() {
                return "off";
            }
        };
        return new RetentionService(jdbc, new RetentionStore(), blobs, new RegistryMetrics(meters), policy);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void keepLastDeletesOlderUnaliasedVersionsAndBlobsNoOneUses(TestDatabase.Kind kind) throws IOException {
        open(kind);
        populate(Duration.ofDays(1));

        RetentionReport report = service(2, null).run(false);

        assertThat(report.versions()).extracting(v -> v.model() + "/" + v.version()).containsExactly("a/2", "a/3");
        assertThat(remaining()).containsExactly("a/1", "a/4", "a/5", "b/1");
        assertThat(blobs.find(shas.get("y"))).isEmpty();
        assertThat(blobs.find(shas.get("x"))).as("still used by a/4").isPresent();
        assertThat(blobs.find(shas.get("z"))).as("a/1 is the champion").isPresent();
        assertThat(report.blobsDeleted()).isEqualTo(1);
        assertThat(report.bytesFreed()).isEqualTo(1000 + 'y');
        assertThat(count("SELECT COUNT(*) FROM evaluation")).isZero();
        assertThat(count("SELECT COUNT(*) FROM evaluation_result")).isZero();
        assertThat(count("SELECT COUNT(*) FROM version_tag")).isZero();
        assertThat(meters.get(RegistryMetrics.RETENTION_VERSIONS_DELETED).counter().count()).isEqualTo(2);
        assertThat(meters.get(RegistryMetrics.RETENTION_BYTES_FREED).counter().count()).isEqualTo(1000 + 'y');
        assertThat(service(2, null).run(false).versions()).as("a second run finds nothing more").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aDryRunDeletesNothing(TestDatabase.Kind kind) throws IOException {
        open(kind);
        populate(Duration.ofDays(1));

        RetentionReport report = service(2, null).run(true);

        assertThat(report.dryRun()).isTrue();
        assertThat(report.versions()).extracting(v -> v.model() + "/" + v.version()).containsExactly("a/2", "a/3");
        assertThat(remaining()).hasSize(6);
        assertThat(blobs.find(shas.get("y"))).isPresent();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void maxAgeSparesTheNewestAndAliasedAndBothRulesMustAgree(TestDatabase.Kind kind) throws IOException {
        open(kind);
        populate(Duration.ofDays(10));

        List<String> byAgeOnly = service(0, Duration.ofDays(1)).run(true).versions().stream()
                .map(v -> v.model() + "/" + v.version()).toList();
        RetentionReport both = service(3, Duration.ofDays(1)).run(false);
        RetentionReport young = service(0, Duration.ofDays(30)).run(false);

        // b/1 is old but the newest of b; a/1 is old but the champion
        assertThat(byAgeOnly).containsExactly("a/2", "a/3", "a/4");
        assertThat(both.versions()).extracting(v -> v.model() + "/" + v.version()).containsExactly("a/2");
        assertThat(young.versions()).isEmpty();
        assertThat(remaining()).containsExactly("a/1", "a/3", "a/4", "a/5", "b/1");
        assertThat(blobs.find(shas.get("x"))).isPresent();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void withoutRulesNothingIsDeleted(TestDatabase.Kind kind) throws IOException {
        open(kind);
        populate(Duration.ofDays(1000));

        assertThat(service(0, null).enabled()).isFalse();
        assertThat(service(0, null).run(false).versions()).isEmpty();
        assertThat(remaining()).hasSize(6);
    }

    private List<String> remaining() {
        return jdbc.read("remaining", c -> {
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT m.name, v.version FROM model_version v JOIN model m ON m.id = v.model_id ORDER BY m.name, v.version")) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1) + "/" + rs.getInt(2));
                }
                return out;
            }
        });
    }

    private long count(String sql) {
        return jdbc.read(sql, c -> {
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
