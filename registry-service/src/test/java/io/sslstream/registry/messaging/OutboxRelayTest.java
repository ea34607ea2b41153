package io.sslstream.registry.messaging;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.store.Jdbc;
import io.sslstream.registry.store.OutboxStore;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The relay against the real schema (in-memory H2, migrated by Flyway) and a broker stand-in that can fail. */
class OutboxRelayTest {

    private final List<String> delivered = new ArrayList<>();
    private final Set<String> failOnce = new HashSet<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Jdbc jdbc;
    private OutboxStore outbox;
    private OutboxRelay relay;

    @BeforeEach
    void setUp() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = new Jdbc(ds);
        outbox = new OutboxStore();
        OutboxSender broker = (event, timeout) -> {
            if (failOnce.remove(event.payload())) {
                throw new IllegalStateException("broker unavailable");
            }
            delivered.add(event.payload());
        };
        relay = new OutboxRelay(jdbc, outbox, broker, new RegistryMetrics(meters), Duration.ofSeconds(1), 2);
    }

    @Test
    void publishesInOrderAndMarksSent() {
        add("e1", "e2", "e3");

        assertThat(relay.drain()).isEqualTo(3);

        assertThat(delivered).containsExactly("e1", "e2", "e3");
        assertThat(pending()).isZero();
        assertThat(meters.get(RegistryMetrics.EVENTS_PUBLISHED).counter().count()).isEqualTo(3);
        assertThat(meters.get(RegistryMetrics.OUTBOX_PENDING).gauge().value()).isZero();
    }

    @Test
    void failedSendKeepsTheEventAndLaterOnesUntilARetrySucceeds() {
        add("e1", "e2", "e3");
        failOnce.add("e2");

        assertThat(relay.drain()).isEqualTo(1);
        assertThat(delivered).containsExactly("e1");
        assertThat(pending()).isEqualTo(2);
        assertThat(meters.get(RegistryMetrics.OUTBOX_PENDING).gauge().value()).isEqualTo(2);

        assertThat(relay.drain()).isEqualTo(2);
        assertThat(delivered).containsExactly("e1", "e2", "e3");
        assertThat(pending()).isZero();
        int attempts = jdbc.read("attempts", c -> {
            try (var rs = c.createStatement().executeQuery("SELECT attempts FROM outbox WHERE payload = 'e2'")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(attempts).isEqualTo(1);
    }

    @Test
    void nothingPendingPublishesNothing() {
        assertThat(relay.drain()).isZero();
        assertThat(delivered).isEmpty();
    }

    private void add(String... payloads) {
        jdbc.inTransaction("add", c -> {
            for (String p : payloads) {
                outbox.add(c, "ssl.checkpoints", "model", p, Instant.now());
            }
            return null;
        });
    }

    private long pending() {
        return jdbc.read("count", outbox::countPending);
    }
}
