package io.sslstream.registry.store;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The queries of the retention policy. Runs on the caller's connection, inside the caller's transaction. */
@ApplicationScoped
public class RetentionStore {

    /** A version the policy expires. */
    public record Expired(long id, String model, int version, String weightsSha256, long weightsSize) {
    }

    /**
     * Versions every configured rule expires that are neither their model's newest nor pointed at by an alias,
     * oldest first.
     *
     * @param keepLast keep this many newest versions per model (aliased ones count); 0 = no such rule
     * @param cutoff   versions created before this expire; {@code null} = no such rule
     */
    public List<Expired> expired(Connection c, int keepLast, Instant cutoff) throws SQLException {
        if (keepLast <= 0 && cutoff == null) {
            return List.of();
        }
        // the rank counts every version of the model, aliased or not, before aliased ones are left out
        StringBuilder sql = new StringBuilder("""
                SELECT r.id, r.name, r.version, r.weights_sha256, r.weights_size FROM (
                    SELECT v.id, m.name, v.version, v.weights_sha256, v.weights_size, v.created_at,
                           ROW_NUMBER() OVER (PARTITION BY v.model_id ORDER BY v.version DESC) AS newest_rank
                    FROM model_version v JOIN model m ON m.id = v.model_id
                ) r
                WHERE r.newest_rank > ?
                  AND NOT EXISTS (SELECT 1 FROM model_alias a WHERE a.version_id = r.id)
                """);
        List<Object> params = new ArrayList<>();
        params.add(Math.max(1, keepLast));
        if (cutoff != null) {
            sql.append(" AND r.created_at < ?");
            params.add(cutoff);
        }
        sql.append(" ORDER BY r.name, r.version");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<Expired> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Expired(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5)));
                }
                return out;
            }
        }
    }

    /**
     * Deletes a version with its evaluations and tags, unless an alias points at it or it became its model's
     * newest since it was selected.
     *
     * @return whether it was deleted
     */
    public boolean delete(Connection c, long versionId) throws SQLException {
        String stillExpired = """
                SELECT 1 FROM model_version v
                WHERE v.id = ?
                  AND NOT EXISTS (SELECT 1 FROM model_alias a WHERE a.version_id = v.id)
                  AND v.version < (SELECT MAX(v2.version) FROM model_version v2 WHERE v2.model_id = v.model_id)
                """;
        try (PreparedStatement ps = c.prepareStatement(stillExpired)) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
        }
        // children first; an alias set concurrently makes the last delete a foreign-key violation (rolled back)
        update(c, "DELETE FROM evaluation_result WHERE evaluation_id IN (SELECT id FROM evaluation WHERE version_id = ?)", versionId);
        update(c, "DELETE FROM evaluation WHERE version_id = ?", versionId);
        update(c, "DELETE FROM version_tag WHERE version_id = ?", versionId);
        return update(c, "DELETE FROM model_version WHERE id = ?", versionId) > 0;
    }

    /** Whether any version still uses the blob. */
    public boolean referenced(Connection c, String sha256) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM model_version WHERE weights_sha256 = ? FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate();
        }
    }
}
