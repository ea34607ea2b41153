package io.sslstream.registry.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh database on the real PostgreSQL server the suite runs against, dropped by {@link #close()}.
 *
 * <p>The server is {@code 127.0.0.1:5432} with trust authentication (as on the development machines and CI);
 * {@code -Dregistry.test.postgres.host}, {@code .port} and {@code .user} point elsewhere. There is no skip: a
 * server that cannot be reached fails the PostgreSQL tests.
 */
public final class PostgresDatabase implements AutoCloseable {

    public static final String HOST = System.getProperty("registry.test.postgres.host", "127.0.0.1");
    public static final String PORT = System.getProperty("registry.test.postgres.port", "5432");
    public static final String USER = System.getProperty("registry.test.postgres.user", "postgres");
    private static final String ADMIN_DB = "postgres";

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code registry_test_<random>}. */
    public static PostgresDatabase create() {
        String name = "registry_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return new PostgresDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return url(name);
    }

    public String user() {
        return USER;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** Drops the database, closing any connection still open on it. */
    @Override
    public void close() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static String url(String db) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + db;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url(ADMIN_DB), USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " (user " + USER + ") refused '" + sql
                    + "': " + e.getMessage() + ". The registry's PostgreSQL tests need that server (trust auth); "
                    + "start it, or point the tests elsewhere with -Dregistry.test.postgres.host/port/user", e);
        }
    }
}
