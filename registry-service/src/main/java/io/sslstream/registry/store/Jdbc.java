package io.sslstream.registry.store;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.logging.Log;
import io.sslstream.registry.config.DatabaseSelectionInterceptor;
import io.sslstream.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on the pooled datasource: one connection per unit of work, local transactions committed here.
 * Only this class opens connections, so every transaction boundary in the registry is one of these calls.
 */
@ApplicationScoped
public class Jdbc {

    /** Unique-key violation, the same state in H2 and PostgreSQL. */
    static final String UNIQUE_VIOLATION = "23505";
    /** Serialization failure, the same state in H2 and PostgreSQL. */
    static final String SERIALIZATION_FAILURE = "40001";
    /**
     * Foreign-key violation, the same state in H2 and PostgreSQL: a row referred to (a version) was deleted by
     * retention while this transaction ran; its retry sees the deletion and answers accordingly.
     */
    static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DataSource dataSource;

    /**
     * The datasource {@code ssl.registry.database} selects. Both are looked up lazily: the other one is inactive,
     * and Quarkus refuses a plain injection of an inactive datasource.
     */
    @Inject
    public Jdbc(RegistryConfig config, InjectableInstance<DataSource> h2,
                @io.quarkus.agroal.DataSource(DatabaseSelectionInterceptor.POSTGRESQL) InjectableInstance<DataSource> postgresql) {
        this(config.database() == RegistryConfig.Database.POSTGRESQL ? postgresql.get() : h2.get());
    }

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A write of one statement (or of statements each fine on its own) on one connection. */
    @FunctionalInterface
    public interface Write {
        void run(Connection connection) throws SQLException;
    }

    /** Runs the queries of {@code work} on an auto-commit connection (each statement is its own transaction). */
    public <T> T read(String what, Work<T> work) {
        return autoCommit(what, work);
    }

    /**
     * Runs {@code work} on an auto-commit connection: each statement commits by itself. For a write that is one
     * statement (e.g. marking an outbox row sent); writes that must succeed or fail together use
     * {@link #inTransaction}.
     */
    public void write(String what, Write work) {
        autoCommit(what, c -> {
            work.run(c);
            return null;
        });
    }

    private <T> T autoCommit(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(String what, Work<T> work) {
        try {
            return attempt(work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #inTransaction}, retried from the start when it loses a race on a unique key (two writers picked
     * the same version number, or created the same row), on a foreign key (retention deleted a version it refers
     * to) or on serialization. Retrying the whole transaction is
     * what PostgreSQL requires: after an error the rest of its transaction is void.
     *
     * @throws ContendedException when every attempt lost
     */
    public <T> T inTransactionRetrying(String what, int attempts, Work<T> work) {
        for (int i = 1; ; i++) {
            try {
                return attempt(work);
            } catch (SQLException e) {
                if (!isContention(e)) {
                    throw new StoreException(what + " failed: " + e.getMessage(), e);
                }
                if (i >= attempts) {
                    throw new ContendedException(what + " lost " + attempts + " races in a row: " + e.getMessage(), e);
                }
                Log.debugf("%s: attempt %d lost a race (%s), retrying", what, i, e.getSQLState());
            }
        }
    }

    private <T> T attempt(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static boolean isContention(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && (UNIQUE_VIOLATION.equals(s.getSQLState()) || SERIALIZATION_FAILURE.equals(s.getSQLState())
                    || FOREIGN_KEY_VIOLATION.equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Every attempt of a retried transaction lost a race; worth retrying later. */
    public static final class ContendedException extends StoreException {
        ContendedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
