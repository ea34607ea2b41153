package io.sslstream.registry.store;

import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.events.ProtocolResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Evaluations of versions: the whole event, and one row per protocol result. Runs on the caller's connection. */
@ApplicationScoped
public class EvaluationStore {

    /** A stored evaluation and the version row it belongs to. */
    public record StoredEvaluation(long versionId, EvaluationCompleted event) {
    }

    public Optional<StoredEvaluation> findByEventId(Connection c, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version_id, event_json FROM evaluation WHERE event_id = ?")) {
            ps.setString(1, eventId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredEvaluation(rs.getLong(1), Json.read(rs.getString(2), EvaluationCompleted.class)));
            }
        }
    }

    /** Inserts the evaluation and its results; an event id stored before is a unique violation (23505). */
    public void insert(Connection c, long versionId, EvaluationCompleted e, Instant storedAt) throws SQLException {
        String sql = """
                INSERT INTO evaluation (version_id, event_id, dataset, status, evaluated_at, stored_at, event_json)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """;
        long evaluationId;
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, versionId);
            ps.setString(2, e.eventId().toString());
            ps.setString(3, e.dataset());
            ps.setString(4, e.status());
            Sql.setInstant(ps, 5, e.timestamp());
            Sql.setInstant(ps, 6, storedAt);
            ps.setString(7, Json.writeString(e));
            ps.executeUpdate();
            evaluationId = Sql.generatedId(ps);
        }
        String results = "INSERT INTO evaluation_result (evaluation_id, protocol, feature_set, accuracy) VALUES (?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(results)) {
            for (ProtocolResult r : e.results()) {
                ps.setLong(1, evaluationId);
                ps.setString(2, r.protocol());
                ps.setString(3, r.featureSet());
                ps.setDouble(4, r.accuracy());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The evaluations of each given version row, oldest first. */
    public Map<Long, List<EvaluationCompleted>> forVersions(Connection c, Collection<Long> versionIds) throws SQLException {
        Map<Long, List<EvaluationCompleted>> byVersion = new HashMap<>();
        if (versionIds.isEmpty()) {
            return byVersion;
        }
        String placeholders = versionIds.stream().map(id -> "?").collect(Collectors.joining(", "));
        String sql = "SELECT version_id, event_json FROM evaluation WHERE version_id IN (" + placeholders + ") ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (long id : versionIds) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byVersion.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(Json.read(rs.getString(2), EvaluationCompleted.class));
                }
            }
        }
        return byVersion;
    }
}
