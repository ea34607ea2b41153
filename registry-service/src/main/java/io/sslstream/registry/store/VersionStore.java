package io.sslstream.registry.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.registry.ModelSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Models and their versions. Every method runs on the caller's connection, inside the caller's transaction. */
@ApplicationScoped
public class VersionStore {

    /** The alias that always names a model's newest version. */
    public static final String LATEST = "latest";

    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {
    };

    private static final String SELECT_VERSION = """
            SELECT v.id, m.name, v.version, v.run_id, v.method, v.architecture, v.step, v.samples_seen, v.loss,
                   v.weights_sha256, v.weights_size, v.created_at, v.tags_json, v.manifest_json,
                   (SELECT MAX(v2.version) FROM model_version v2 WHERE v2.model_id = v.model_id) AS latest_version
            FROM model_version v JOIN model m ON m.id = v.model_id
            """;

    /** A stored version: its row id (evaluations refer to it) and everything of the API view but evaluations. */
    public record VersionRow(long id, String model, int version, String runId, String method, String architecture,
                             long step, long samplesSeen, Double loss, String weightsSha256, long weightsSize,
                             Instant createdAt, boolean latest, Map<String, String> tags,
                             CheckpointManifest manifest) {

        public ModelVersion toApi(List<EvaluationCompleted> evaluations) {
            return new ModelVersion(model, version, runId, method, architecture, step, samplesSeen, loss,
                    weightsSha256, weightsSize, createdAt, latest ? List.of(LATEST) : List.of(), tags, manifest,
                    evaluations);
        }
    }

    /** The model's id, creating its row if it has none (a concurrent creator makes the insert a unique violation). */
    public long ensureModel(Connection c, String name, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM model WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO model (name, created_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            Sql.setInstant(ps, 2, now);
            ps.executeUpdate();
            return Sql.generatedId(ps);
        }
    }

    /** The next version number of a model: 1 for its first. Two concurrent callers may get the same number. */
    public int nextVersion(Connection c, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM model_version WHERE model_id = ?")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) + 1;
            }
        }
    }

    /** Inserts a version row; a version number already taken is a unique violation (SQL state 23505). */
    public long insert(Connection c, long modelId, int version, CheckpointManifest manifest, String weightsSha256,
                       long weightsSize, Map<String, String> tags, Instant createdAt) throws SQLException {
        String sql = """
                INSERT INTO model_version (model_id, version, run_id, method, architecture, step, samples_seen, loss,
                                           weights_sha256, weights_size, created_at, tags_json, manifest_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """;
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, modelId);
            ps.setInt(2, version);
            ps.setString(3, manifest.runId());
            ps.setString(4, manifest.method());
            ps.setString(5, manifest.architecture().name());
            ps.setLong(6, manifest.step());
            ps.setLong(7, manifest.samplesSeen());
            Sql.setDouble(ps, 8, manifest.metrics().get(CheckpointManifest.Metrics.LOSS));
            ps.setString(9, weightsSha256);
            ps.setLong(10, weightsSize);
            Sql.setInstant(ps, 11, createdAt);
            ps.setString(12, Json.writeString(tags));
            ps.setString(13, Json.writeString(manifest));
            ps.executeUpdate();
            return Sql.generatedId(ps);
        }
    }

    public Optional<VersionRow> find(Connection c, String model, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_VERSION + " WHERE m.name = ? AND v.version = ?")) {
            ps.setString(1, model);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** One page of a model's versions, newest first. */
    public List<VersionRow> page(Connection c, String model, int offset, int limit) throws SQLException {
        String sql = SELECT_VERSION + " WHERE m.name = ? ORDER BY v.version DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, model);
            ps.setInt(2, offset);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<VersionRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                return rows;
            }
        }
    }

    public long count(Connection c, String model) throws SQLException {
        String sql = "SELECT COUNT(*) FROM model_version v JOIN model m ON m.id = v.model_id WHERE m.name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Every model with its version count, by name. */
    public List<ModelSummary> models(Connection c) throws SQLException {
        String sql = """
                SELECT m.name, COUNT(v.id) AS versions, MAX(v.version) AS latest_version
                FROM model m LEFT JOIN model_version v ON v.model_id = m.id
                GROUP BY m.name ORDER BY m.name
                """;
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<ModelSummary> models = new ArrayList<>();
            while (rs.next()) {
                int latest = rs.getInt("latest_version");
                models.add(new ModelSummary(rs.getString("name"), rs.getLong("versions"), rs.wasNull() ? null : latest));
            }
            return models;
        }
    }

    private static VersionRow row(ResultSet rs) throws SQLException {
        int version = rs.getInt("version");
        return new VersionRow(rs.getLong("id"), rs.getString("name"), version, rs.getString("run_id"),
                rs.getString("method"), rs.getString("architecture"), rs.getLong("step"), rs.getLong("samples_seen"),
                Sql.getDouble(rs, "loss"), rs.getString("weights_sha256"), rs.getLong("weights_size"),
                Sql.getInstant(rs, "created_at"), version == rs.getInt("latest_version"),
                readTags(rs.getString("tags_json")), Json.read(rs.getString("manifest_json"), CheckpointManifest.class));
    }

    private static Map<String, String> readTags(String json) {
        try {
            return Json.MAPPER.readValue(json, TAGS);
        } catch (IOException e) {
            throw new UncheckedIOException("stored tags are not a JSON object: " + json, e);
        }
    }
}
