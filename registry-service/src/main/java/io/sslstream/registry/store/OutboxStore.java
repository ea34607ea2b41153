package io.sslstream.registry.store;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The transactional outbox: events written with the change they announce, published later by the relay. */
@ApplicationScoped
public class OutboxStore {

    private static final int MAX_ERROR_CHARS = 1000;

    /** An unsent event. */
    public record PendingEvent(long id, String topic, String key, String payload, int attempts) {
    }

    /** Adds an event in the caller's transaction. */
    public void add(Connection c, String topic, String key, String payload, Instant createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (topic, record_key, payload, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, topic);
            ps.setString(2, key);
            ps.setString(3, payload);
            Sql.setInstant(ps, 4, createdAt);
            ps.executeUpdate();
        }
    }

    /** The oldest unsent events, in the order they were written. */
    public List<PendingEvent> pending(Connection c, int limit) throws SQLException {
        String sql = """
                SELECT id, topic, record_key, payload, attempts FROM outbox
                WHERE sent_at IS NULL ORDER BY id FETCH FIRST ? ROWS ONLY
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<PendingEvent> events = new ArrayList<>();
                while (rs.next()) {
                    events.add(new PendingEvent(rs.getLong("id"), rs.getString("topic"), rs.getString("record_key"),
                            rs.getString("payload"), rs.getInt("attempts")));
                }
                return events;
            }
        }
    }

    public void markSent(Connection c, long id, Instant sentAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent_at = ?, last_error = NULL WHERE id = ?")) {
            Sql.setInstant(ps, 1, sentAt);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    public void markFailed(Connection c, long id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            ps.setString(1, error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    public long countPending(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
