package io.sslstream.registry.store;

import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.registry.Aliases;
import io.sslstream.registry.ModelSummary;
import io.sslstream.registry.Tags;
import io.sslstream.registry.VersionSearch;
import jakarta.enterprise.context.ApplicationScoped;

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

    /** The feature set of a checkpoint's own encoder in evaluation results (baselines have others). */
    static final String ENCODER_FEATURES = "encoder";

    private static final String COLUMNS = """
            v.id, m.name, v.version, v.run_id, v.method, v.architecture, v.step, v.samples_seen, v.loss,
            v.weights_sha256, v.weights_size, v.created_at, v.manifest_json, m.latest_version""";
    private static final String FROM = " FROM model_version v JOIN model m ON m.id = v.model_id";

    /** The newest succeeded evaluation's accuracy of one protocol on the encoder's features (bound: protocol). */
    private static final String METRIC = """
            (SELECT r.accuracy FROM evaluation e JOIN evaluation_result r ON r.evaluation_id = e.id
             WHERE e.version_id = v.id AND e.status = '%s' AND r.protocol = ? AND r.feature_set = '%s'
             ORDER BY e.id DESC FETCH FIRST 1 ROWS ONLY) AS metric""".formatted(EvaluationCompleted.SUCCEEDED, ENCODER_FEATURES);

    /** A stored version: its row id (evaluations, tags and aliases refer to it) and its columns. */
    public record VersionRow(long id, String model, int version, String runId, String method, String architecture,
                             long step, long samplesSeen, Double loss, String weightsSha256, long weightsSize,
                             Instant createdAt, boolean latest, CheckpointManifest manifest) {

        /** The API view; {@code latest} comes first among the aliases when this is the newest version. */
        public ModelVersion toApi(List<String> aliases, Map<String, String> tags, List<EvaluationCompleted> evaluations) {
            List<String> all = new ArrayList<>();
            if (latest) {
                all.add(Aliases.LATEST);
            }
            all.addAll(aliases);
            return new ModelVersion(model, version, runId, method, architecture, step, samplesSeen, loss,
                    weightsSha256, weightsSize, createdAt, all, tags, manifest, evaluations);
        }
    }

    /** The model's id, creating its row if it has none (a concurrent creator makes the insert a unique violation). */
    public long ensureModel(Connection c, String name, Instant now) throws SQLException {
        Optional<Long> id = modelId(c, name);
        if (id.isPresent()) {
            return id.get();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO model (name, created_at) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            Sql.setInstant(ps, 2, now);
            ps.executeUpdate();
            return Sql.generatedId(ps);
        }
    }

    public Optional<Long> modelId(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM model WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
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

    /**
     * Inserts a version row and makes it its model's {@code latest_version} if it is the newest; a version number
     * or an idempotency key already taken in this model is a unique violation (SQL state 23505).
     *
     * @param idempotencyKey the key of the request that creates the version, or {@code null}
     */
    public long insert(Connection c, long modelId, int version, CheckpointManifest manifest, String weightsSha256,
                       long weightsSize, Instant createdAt, String idempotencyKey) throws SQLException {
        String sql = """
                INSERT INTO model_version (model_id, version, run_id, method, architecture, step, samples_seen, loss,
                                           weights_sha256, weights_size, created_at, manifest_json, idempotency_key)
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
            ps.setString(12, Json.writeString(manifest));
            ps.setString(13, idempotencyKey);
            ps.executeUpdate();
            long id = Sql.generatedId(ps);
            // in the same transaction: a version number taken by a concurrent creator fails the insert above first
            try (PreparedStatement latest = c.prepareStatement(
                    "UPDATE model SET latest_version = ? WHERE id = ? AND (latest_version IS NULL OR latest_version < ?)")) {
                latest.setInt(1, version);
                latest.setLong(2, modelId);
                latest.setInt(3, version);
                latest.executeUpdate();
            }
            return id;
        }
    }

    public Optional<VersionRow> find(Connection c, String model, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM + " WHERE m.name = ? AND v.version = ?")) {
            ps.setString(1, model);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** The version of a model that the create request carrying {@code idempotencyKey} made, if any. */
    public Optional<VersionRow> findByIdempotencyKey(Connection c, long modelId, String idempotencyKey) throws SQLException {
        String sql = "SELECT " + COLUMNS + FROM + " WHERE v.model_id = ? AND v.idempotency_key = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, modelId);
            ps.setString(2, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** The model's newest version. */
    public Optional<VersionRow> newest(Connection c, String model) throws SQLException {
        String sql = "SELECT " + COLUMNS + FROM + " WHERE m.name = ? AND v.version = m.latest_version";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** One page of the versions matching {@code search}, in its order. */
    public List<VersionRow> search(Connection c, String model, VersionSearch search) throws SQLException {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS);
        if (search.order() == VersionSearch.Order.METRIC) {
            sql.append(", ").append(METRIC);
            params.add(search.protocol());
        }
        sql.append(FROM).append(where(model, search, params));
        String dir = search.descending() ? " DESC" : " ASC";
        sql.append(switch (search.order()) {
            case CREATED -> " ORDER BY v.version" + dir;
            case STEP -> " ORDER BY v.step" + dir + ", v.version DESC";
            case METRIC -> " ORDER BY metric" + dir + " NULLS LAST, v.version DESC";
        });
        sql.append(" OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        params.add(search.offset());
        params.add(search.limit());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<VersionRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row(rs));
                }
                return rows;
            }
        }
    }

    /** How many versions match {@code search} (paging ignored). */
    public long count(Connection c, String model, VersionSearch search) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT COUNT(*)" + FROM + where(model, search, params);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String where(String model, VersionSearch search, List<Object> params) {
        StringBuilder w = new StringBuilder(" WHERE m.name = ?");
        params.add(model);
        if (search.runId() != null) {
            w.append(" AND v.run_id = ?");
            params.add(search.runId());
        }
        if (search.method() != null) {
            w.append(" AND v.method = ?");
            params.add(search.method());
        }
        for (Tags.Filter tag : search.tags()) {
            w.append(" AND EXISTS (SELECT 1 FROM version_tag t WHERE t.version_id = v.id AND t.tag_key = ?");
            params.add(tag.key());
            if (tag.value() != null) {
                w.append(" AND t.tag_value = ?");
                params.add(tag.value());
            }
            w.append(')');
        }
        return w.toString();
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
                Json.read(rs.getString("manifest_json"), CheckpointManifest.class));
    }
}
