package io.sslstream.trainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every meter of the trainer, exported as {@code ssl_trainer_*} on {@code /q/metrics}. The names and tags are what
 * the dashboard and the alerts in {@code k8s/base/monitoring} query: a rename here is a rename there. Created at
 * start-up, so that every counter tagged by run and method is on {@code /q/metrics} at 0 before its first increment;
 * {@link #REJECTED} starts at a reason's first rejection (its reasons are the codec's, an open set).
 */
@Startup
@ApplicationScoped
public class TrainerMetrics {

    /** Timer: forward, backward and update of one step, data wait excluded; tags {@code method}, {@code run}. */
    public static final String STEP_TIME = "ssl.trainer.step.time";
    /** Timer: from the end of a step until the next batch is the step's input; tags {@code method}, {@code run}. */
    public static final String DATA_WAIT = "ssl.trainer.data.wait";
    /** Counter: steps of this process; tags {@code method}, {@code run}. */
    public static final String STEPS = "ssl.trainer.steps";
    /** Counter: view sets trained on by this process; tags {@code method}, {@code run}. */
    public static final String SAMPLES_SEEN = "ssl.trainer.samples.seen";
    /** Gauge: loss of the latest step; tags {@code method}, {@code run}. */
    public static final String LOSS = "ssl.trainer.loss";
    /** Gauge: learning rate of the next step; tags {@code method}, {@code run}. */
    public static final String LEARNING_RATE = "ssl.trainer.learning.rate";
    /** Gauge: steps of the run, those before a resume included; tags {@code method}, {@code run}. */
    public static final String RUN_STEP = "ssl.trainer.run.step";
    /** Gauge: view sets of the run, those before a resume included; tags {@code method}, {@code run}. */
    public static final String RUN_SAMPLES_SEEN = "ssl.trainer.run.samples.seen";
    /** Counter: checkpoints the registry accepted; tags {@code run}, {@code method}. */
    public static final String CHECKPOINTS_PUBLISHED = "ssl.trainer.checkpoints.published";
    /** Counter: failed uploads and spool listings (each retry counts); tag {@code run}. */
    public static final String CHECKPOINT_UPLOAD_FAILURES = "ssl.trainer.checkpoints.upload.failures";
    /** Gauge: checkpoints in the spool not yet accepted by the registry (NaN while the spool cannot be read); tag {@code run}. */
    public static final String CHECKPOINTS_PENDING = "ssl.trainer.checkpoints.pending";
    /** Counter: steps skipped because their loss or a gradient was NaN or infinite; tags {@code method}, {@code run}. */
    public static final String NONFINITE_STEPS = "ssl.trainer.nonfinite.steps";
    /** Counter: checkpoints passed over at resume (unreadable, corrupt or non-finite); tag {@code run}. */
    public static final String CHECKPOINTS_SKIPPED = "ssl.trainer.checkpoints.skipped";
    /** Counter: view-set records sent to the dead-letter topic; tag {@code reason}. */
    public static final String REJECTED = "ssl.trainer.rejected";

    /** Counter: sync rounds this replica applied (caught-up rounds included); tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_ROUNDS = "ssl.trainer.sync.rounds";
    /** Timer: from sending the pseudo-gradient until the outer step is applied; tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_TIME = "ssl.trainer.sync.time";
    /** Counter: pseudo-gradient bytes sent to the sync topic; tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_BYTES = "ssl.trainer.sync.bytes";
    /** Counter: rounds this replica's pseudo-gradient did not count in; tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_LEFT_OUT = "ssl.trainer.sync.left.out";
    /** Gauge: the last round applied; tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_ROUND = "ssl.trainer.sync.round";
    /** Gauge: members of the last round applied; tags {@code method}, {@code run}, {@code replica}. */
    public static final String SYNC_MEMBERS = "ssl.trainer.sync.members";

    public static final String TAG_METHOD = "method";
    public static final String TAG_REPLICA = "replica";
    public static final String TAG_RUN = "run";
    public static final String TAG_REASON = "reason";

    private final MeterRegistry registry;
    private final Tags methodAndRun;
    private final Tags run;
    private final Timer stepTime;
    private final Timer dataWait;
    private final Counter steps;
    private final Counter samplesSeen;
    private final Counter checkpointsPublished;
    private final Counter uploadFailures;
    private final Counter nonFiniteSteps;
    private final Counter checkpointsSkipped;

    public TrainerMetrics(MeterRegistry registry, RunSettings settings) {
        this.registry = registry;
        this.methodAndRun = Tags.of(TAG_METHOD, settings.method().method(), TAG_RUN, settings.runId());
        this.run = Tags.of(TAG_RUN, settings.runId());
        this.stepTime = Timer.builder(STEP_TIME).tags(methodAndRun).publishPercentiles(0.5, 0.95).register(registry);
        this.dataWait = Timer.builder(DATA_WAIT).tags(methodAndRun).publishPercentiles(0.5, 0.95).register(registry);
        this.steps = Counter.builder(STEPS).tags(methodAndRun).register(registry);
        this.samplesSeen = Counter.builder(SAMPLES_SEEN).tags(methodAndRun).register(registry);
        this.checkpointsPublished = Counter.builder(CHECKPOINTS_PUBLISHED).tags(methodAndRun).register(registry);
        this.uploadFailures = Counter.builder(CHECKPOINT_UPLOAD_FAILURES).tags(run).register(registry);
        this.nonFiniteSteps = Counter.builder(NONFINITE_STEPS).tags(methodAndRun).register(registry);
        this.checkpointsSkipped = Counter.builder(CHECKPOINTS_SKIPPED).tags(run).register(registry);
    }

    /** Registers the run's progress gauges, read from the training loop when scraped. */
    public void progress(DoubleSupplier loss, DoubleSupplier learningRate, LongSupplier step, LongSupplier samples) {
        Gauge.builder(LOSS, loss::getAsDouble).tags(methodAndRun).register(registry);
        Gauge.builder(LEARNING_RATE, learningRate::getAsDouble).tags(methodAndRun).register(registry);
        Gauge.builder(RUN_STEP, step::getAsLong).tags(methodAndRun).register(registry);
        Gauge.builder(RUN_SAMPLES_SEEN, samples::getAsLong).tags(methodAndRun).register(registry);
    }

    /** One step on {@code samples} view sets: its data wait and its compute time. */
    public void step(long waitNanos, long stepNanos, int samples) {
        stepTime.record(stepNanos, TimeUnit.NANOSECONDS);
        dataWait.record(waitNanos, TimeUnit.NANOSECONDS);
        steps.increment();
        samplesSeen.increment(samples);
    }

    /** Registers the spool gauge, read from the uploader when scraped. */
    public void checkpointsPending(Supplier<Number> pending) {
        Gauge.builder(CHECKPOINTS_PENDING, pending).tags(run).register(registry);
    }

    public void checkpointPublished() {
        checkpointsPublished.increment();
    }

    public void checkpointUploadFailed() {
        uploadFailures.increment();
    }

    /** A step was skipped: its loss or a gradient was not finite. */
    public void nonFiniteStep() {
        nonFiniteSteps.increment();
    }

    /**
     * Registers a replica's sync meters at 0 (a replicated run only) and returns the recorder the training loop
     * calls after each round.
     */
    public SyncMeters sync(int replica, LongSupplier round, IntSupplier members) {
        Tags tags = methodAndRun.and(TAG_REPLICA, Integer.toString(replica));
        Gauge.builder(SYNC_ROUND, round::getAsLong).tags(tags).register(registry);
        Gauge.builder(SYNC_MEMBERS, members::getAsInt).tags(tags).register(registry);
        return new SyncMeters(Counter.builder(SYNC_ROUNDS).tags(tags).register(registry),
                Timer.builder(SYNC_TIME).tags(tags).publishPercentiles(0.5, 0.95).register(registry),
                Counter.builder(SYNC_BYTES).tags(tags).baseUnit("bytes").register(registry),
                Counter.builder(SYNC_LEFT_OUT).tags(tags).register(registry));
    }

    /** A replica's sync meters. */
    public record SyncMeters(Counter rounds, Timer time, Counter bytes, Counter leftOut) {
        public void round(int applied, double seconds, long bytesSent, boolean member) {
            rounds.increment(applied);
            time.record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
            bytes.increment(bytesSent);
            if (!member) {
                leftOut.increment();
            }
        }
    }

    /** A checkpoint was passed over at resume. */
    public void checkpointSkipped() {
        checkpointsSkipped.increment();
    }

    /** A view-set record went to the dead-letter topic; {@code reason} is its DLQ reason. */
    public void rejected(String reason) {
        registry.counter(REJECTED, TAG_REASON, reason).increment();
    }
}
