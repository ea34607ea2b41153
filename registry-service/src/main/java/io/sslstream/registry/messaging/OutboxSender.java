package io.sslstream.registry.messaging;

import io.sslstream.registry.store.OutboxStore.PendingEvent;

import java.time.Duration;

/** Hands one outbox event to the broker and returns only once the broker acknowledged it. */
public interface OutboxSender {

    /** @throws RuntimeException when the broker did not acknowledge within {@code timeout} */
    void send(PendingEvent event, Duration timeout);
}
