package io.sslstream.registry.postgres;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A fresh PostgreSQL database for one Quarkus application start, dropped when it stops. */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private PostgresDatabase database;

    @Override
    public Map<String, String> start() {
        database = PostgresDatabase.create();
        return Map.of(
                "ssl.registry.database", "postgresql",
                "quarkus.datasource.postgresql.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.postgresql.username", database.user());
    }

    @Override
    public void stop() {
        if (database != null) {
            database.close();
        }
    }
}
