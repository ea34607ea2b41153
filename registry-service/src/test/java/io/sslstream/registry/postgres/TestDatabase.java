package io.sslstream.registry.postgres;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/**
 * A fresh, empty database of either kind the registry supports, for tests below the Quarkus level: an in-memory
 * H2 database or a new database on the real PostgreSQL server (dropped by {@link #close()}).
 */
public final class TestDatabase implements AutoCloseable {

    /** The two databases; tests are parameterised over them. */
    public enum Kind {
        H2, POSTGRESQL
    }

    private final DataSource dataSource;
    private final PostgresDatabase postgres;

    private TestDatabase(DataSource dataSource, PostgresDatabase postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    public static TestDatabase create(Kind kind) {
        if (kind == Kind.H2) {
            JdbcDataSource ds = new JdbcDataSource();
            ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            return new TestDatabase(ds, null);
        }
        PostgresDatabase db = PostgresDatabase.create();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(db.user());
        return new TestDatabase(ds, db);
    }

    /** Creates the database and migrates it to the newest schema. */
    public static TestDatabase migrated(Kind kind) {
        TestDatabase db = create(kind);
        db.flyway(null).migrate();
        return db;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Flyway on the registry's migrations, up to {@code target} ({@code null}: the newest). */
    public Flyway flyway(String target) {
        var config = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
        if (target != null) {
            config.target(target);
        }
        return config.load();
    }

    @Override
    public void close() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
