package io.sslstream.registry.store;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Tags of versions, one row per key. Runs on the caller's connection, inside the caller's transaction. */
@ApplicationScoped
public class TagStore {

    public void insertAll(Connection c, long versionId, Map<String, String> tags) throws SQLException {
        if (tags.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO version_tag (version_id, tag_key, tag_value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> t : tags.entrySet()) {
                ps.setLong(1, versionId);
                ps.setString(2, t.getKey());
                ps.setString(3, t.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Sets one tag; a concurrent first set of the same key is a unique violation (the caller retries). */
    public void put(Connection c, long versionId, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE version_tag SET tag_value = ? WHERE version_id = ? AND tag_key = ?")) {
            ps.setString(1, value);
            ps.setLong(2, versionId);
            ps.setString(3, key);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        insertAll(c, versionId, Map.of(key, value));
    }

    /** @return whether the tag existed */
    public boolean remove(Connection c, long versionId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM version_tag WHERE version_id = ? AND tag_key = ?")) {
            ps.setLong(1, versionId);
            ps.setString(2, key);
            return ps.executeUpdate() > 0;
        }
    }

    /** The tags of each given version row, sorted by key; versions without tags are absent. */
    public Map<Long, Map<String, String>> forVersions(Connection c, Collection<Long> versionIds) throws SQLException {
        Map<Long, Map<String, String>> byVersion = new HashMap<>();
        if (versionIds.isEmpty()) {
            return byVersion;
        }
        String sql = "SELECT version_id, tag_key, tag_value FROM version_tag WHERE version_id IN (" + Sql.placeholders(versionIds) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, new ArrayList<>(versionIds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byVersion.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return byVersion;
    }
}
