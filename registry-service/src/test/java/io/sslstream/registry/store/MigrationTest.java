package io.sslstream.registry.store;

import io.sslstream.registry.postgres.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schema migrations on both databases, including the Java one that moves tags into rows, the back-fill of
 * each model's newest version number and the unique idempotency key of versions.
 */
class MigrationTest {

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void versionsMadeBeforeV2GetTagRowsAndTheirModelItsLatestVersion(TestDatabase.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabase.create(kind)) {
            db.flyway("1").migrate();
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO model (id, name, created_at) VALUES (1, 'm', CURRENT_TIMESTAMP)");
                for (int v = 1; v <= 2; v++) {
                    String tags = v == 1 ? "{\"stage\":\"test\",\"split\":\"a b\"}" : "{}";
                    s.execute("INSERT INTO model_version (id, model_id, version, run_id, method, architecture, step, "
                            + "samples_seen, weights_sha256, weights_size, created_at, tags_json, manifest_json) VALUES ("
                            + v + ", 1, " + v + ", 'r', 'simclr', 'cnn', 1, 1, '" + "a".repeat(64) + "', 1, "
                            + "CURRENT_TIMESTAMP, '" + tags + "', '{}')");
                }
            }

            int applied = db.flyway(null).migrate().migrationsExecuted;

            assertThat(applied).isEqualTo(5);
            assertThat(rows(db, "SELECT version_id, tag_key, tag_value FROM version_tag ORDER BY tag_key"))
                    .containsExactly("1 split a b", "1 stage test");
            assertThat(columns(db)).doesNotContain("tags_json");
            assertThat(rows(db, "SELECT id, name, CAST(latest_version AS VARCHAR(10)) FROM model")).containsExactly("1 m 2");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void anIdempotencyKeyNamesOneVersionPerModelAndVersionsWithoutOneAreFree(TestDatabase.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabase.migrated(kind);
             Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO model (id, name, created_at) VALUES (1, 'a', CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO model (id, name, created_at) VALUES (2, 'b', CURRENT_TIMESTAMP)");
            s.execute(version(1, 1, 1, null));
            s.execute(version(2, 1, 2, null));
            s.execute(version(3, 1, 3, "'k'"));
            s.execute(version(4, 2, 1, "'k'"));

            assertThatThrownBy(() -> s.execute(version(5, 1, 4, "'k'")))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            assertThat(rows(db, "SELECT model_id, CAST(version AS VARCHAR(10)), idempotency_key FROM model_version ORDER BY id"))
                    .containsExactly("1 1 null", "1 2 null", "1 3 k", "2 1 k");
        }
    }

    private static String version(long id, long model, int version, String key) {
        return "INSERT INTO model_version (id, model_id, version, run_id, method, architecture, step, samples_seen, "
                + "weights_sha256, weights_size, created_at, manifest_json, idempotency_key) VALUES (" + id + ", " + model
                + ", " + version + ", 'r', 'simclr', 'cnn', 1, 1, '" + "a".repeat(64) + "', 1, CURRENT_TIMESTAMP, '{}', "
                + key + ")";
    }

    private static List<String> rows(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            return out;
        }
    }

    private static List<String> columns(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM model_version")) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                names.add(rs.getMetaData().getColumnName(i).toLowerCase());
            }
            return names;
        }
    }
}
