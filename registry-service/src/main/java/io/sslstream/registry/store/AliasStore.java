package io.sslstream.registry.store;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Aliases the API sets ({@code champion}, ...), one row per model and alias. {@code latest} is not stored.
 * Runs on the caller's connection, inside the caller's transaction.
 */
@ApplicationScoped
public class AliasStore {

    /** Points {@code alias} at a version row; a concurrent first set is a unique violation (the caller retries). */
    public void set(Connection c, long modelId, String alias, long versionId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE model_alias SET version_id = ?, updated_at = ? WHERE model_id = ? AND alias = ?")) {
            Sql.bind(ps, List.of(versionId, now, modelId, alias));
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO model_alias (model_id, alias, version_id, updated_at) VALUES (?, ?, ?, ?)")) {
            Sql.bind(ps, List.of(modelId, alias, versionId, now));
            ps.executeUpdate();
        }
    }

    /** @return whether the alias was set */
    public boolean remove(Connection c, long modelId, String alias) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM model_alias WHERE model_id = ? AND alias = ?")) {
            ps.setLong(1, modelId);
            ps.setString(2, alias);
            return ps.executeUpdate() > 0;
        }
    }

    /** The version number {@code alias} points to. */
    public Optional<Integer> find(Connection c, String model, String alias) throws SQLException {
        String sql = """
                SELECT v.version FROM model_alias a
                JOIN model m ON m.id = a.model_id JOIN model_version v ON v.id = a.version_id
                WHERE m.name = ? AND a.alias = ?
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, model);
            ps.setString(2, alias);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** Every stored alias of a model and its version, by alias. */
    public Map<String, Integer> all(Connection c, String model) throws SQLException {
        String sql = """
                SELECT a.alias, v.version FROM model_alias a
                JOIN model m ON m.id = a.model_id JOIN model_version v ON v.id = a.version_id
                WHERE m.name = ? ORDER BY a.alias
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, model);
            Map<String, Integer> aliases = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    aliases.put(rs.getString(1), rs.getInt(2));
                }
            }
            return aliases;
        }
    }

    /** The stored aliases pointing at each given version row, sorted; versions without any are absent. */
    public Map<Long, List<String>> forVersions(Connection c, Collection<Long> versionIds) throws SQLException {
        Map<Long, List<String>> byVersion = new HashMap<>();
        if (versionIds.isEmpty()) {
            return byVersion;
        }
        String sql = "SELECT version_id, alias FROM model_alias WHERE version_id IN (" + Sql.placeholders(versionIds)
                + ") ORDER BY alias";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, new ArrayList<>(versionIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byVersion.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return byVersion;
    }
}
