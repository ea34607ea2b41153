package io.sslstream.registry.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseSelectionInterceptorTest {

    private static final String PG_ACTIVE = "quarkus.datasource.postgresql.active";
    private static final String PG_ACTIVE_QUOTED = "quarkus.datasource.\"postgresql\".active";

    @Test
    void h2IsTheDefault() {
        SmallRyeConfig config = config(Map.of());

        assertThat(config.getValue(DatabaseSelectionInterceptor.DEFAULT_ACTIVE, Boolean.class)).isTrue();
        assertThat(config.getValue(PG_ACTIVE, Boolean.class)).isFalse();
    }

    @Test
    void postgresqlTurnsH2Off() {
        SmallRyeConfig config = config(Map.of("ssl.registry.database", "postgresql"));

        assertThat(config.getValue(DatabaseSelectionInterceptor.DEFAULT_ACTIVE, Boolean.class)).isFalse();
        assertThat(config.getValue(PG_ACTIVE, Boolean.class)).isTrue();
        assertThat(config.getValue(PG_ACTIVE_QUOTED, Boolean.class)).isTrue();
    }

    @Test
    void anExplicitSwitchWins() {
        SmallRyeConfig config = config(Map.of("ssl.registry.database", "postgresql", DatabaseSelectionInterceptor.DEFAULT_ACTIVE, "true"));

        assertThat(config.getValue(DatabaseSelectionInterceptor.DEFAULT_ACTIVE, Boolean.class)).isTrue();
    }

    @Test
    void theSwitchesAreListedSoThatMappingsReadThem() {
        SmallRyeConfig config = config(Map.of());

        assertThat(StreamSupport.stream(config.getPropertyNames().spliterator(), false))
                .contains(DatabaseSelectionInterceptor.DEFAULT_ACTIVE, PG_ACTIVE);
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new DatabaseSelectionInterceptor())
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 100))
                .build();
    }
}
