package io.sslstream.augmenter.messaging;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AckFanInTest {

    final AtomicInteger acks = new AtomicInteger();
    final List<Metadata> nacks = new ArrayList<>();
    final Message<String> input = Message.of("raw", Metadata.empty(),
            m -> {
                acks.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            },
            (t, m) -> {
                nacks.add(m);
                return CompletableFuture.completedFuture(null);
            });

    @Test
    void acksTheInputOnceWhenEveryOutputIsAcked() {
        AckFanIn fanIn = new AckFanIn(input, 3);

        fanIn.ack();
        fanIn.ack();
        assertThat(acks).hasValue(0);

        fanIn.ack();
        assertThat(acks).hasValue(1);
        assertThat(nacks).isEmpty();
    }

    @Test
    void nacksTheInputOnTheFirstFailureWithItsMetadataAndOnlyOnce() {
        AckFanIn fanIn = new AckFanIn(input, 2);
        Metadata why = Metadata.of("publish failed");

        fanIn.nack(new IllegalStateException("broker said no"), why);
        fanIn.ack();
        fanIn.nack(new IllegalStateException("again"), Metadata.empty());

        assertThat(nacks).containsExactly(why);
        assertThat(acks).hasValue(0);
    }
}
