package io.sslstream.augmenter.messaging;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settles one incoming message from the fate of the outgoing messages made from it: acked once all of them
 * are acked by the broker, nacked as soon as one is nacked. Either happens once.
 *
 * <p>This is what keeps a crash from losing a sample: the input's offset is only committed after every
 * record derived from it is stored.
 */
final class AckFanIn {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Message<?> input;
    private final AtomicInteger pending;
    private final AtomicBoolean settled = new AtomicBoolean();

    AckFanIn(Message<?> input, int outputs) {
        if (outputs <= 0) {
            throw new IllegalArgumentException("an input fans out to at least one output, got " + outputs);
        }
        this.input = input;
        this.pending = new AtomicInteger(outputs);
    }

    /** One output is stored. */
    CompletionStage<Void> ack() {
        if (pending.decrementAndGet() == 0 && settled.compareAndSet(false, true)) {
            return input.ack();
        }
        return DONE;
    }

    /** One output failed: the input is nacked with {@code metadata} (read by the channel's dead-letter handler). */
    CompletionStage<Void> nack(Throwable reason, Metadata metadata) {
        if (settled.compareAndSet(false, true)) {
            return input.nack(reason, metadata);
        }
        return DONE;
    }
}
