package io.sslstream.trainer.sync;

import io.sslstream.contracts.checkpoint.OffsetKey;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How far a replicated run's group has trained each view partition: the next offsets of the members of every round
 * applied so far ({@link Synchronizer#offsets()}). When a partition moves to this replica (a peer died, or this one
 * restarted) it starts here rather than at the resumed checkpoint's offset, so that it neither skips the records the
 * group trained after the checkpoint nor trains them all again. Only the records of a round that never counted (the
 * lost replica's last one) are read again. Empty and ready at once for a run of one replica.
 */
@ApplicationScoped
public class GroupOffsets {

    private final boolean replicated;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Map<OffsetKey, Long> offsets = new ConcurrentHashMap<>();

    @Inject
    GroupOffsets(TrainerConfig config) {
        this(config.replicas() > 1);
    }

    /** @param replicated whether the run has more than one replica (else this is empty and ready) */
    public GroupOffsets(boolean replicated) {
        this.replicated = replicated;
        if (!replicated) {
            ready.countDown();
        }
    }

    public boolean replicated() {
        return replicated;
    }

    /** After a round (or the start-up replay): the group's offsets now. */
    public void update(Map<String, Long> manifestOffsets) {
        manifestOffsets.forEach((k, v) -> offsets.merge(OffsetKey.parse(k), v, Math::max));
        ready.countDown();
    }

    /** The offsets once this replica has replayed the sync topic at start (empty for one replica). */
    public Map<OffsetKey, Long> await(Duration timeout) throws InterruptedException, TimeoutException {
        if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the replica did not finish replaying the sync topic within " + timeout);
        }
        return Map.copyOf(offsets);
    }
}
