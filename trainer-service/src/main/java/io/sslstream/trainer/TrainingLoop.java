package io.sslstream.trainer;

import ai.djl.Device;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Provenance;
import io.sslstream.contracts.checkpoint.OffsetKey;
import io.sslstream.model.Engines;
import io.sslstream.trainer.checkpoint.CheckpointUploader;
import io.sslstream.trainer.checkpoint.ResumeService;
import io.sslstream.trainer.config.TrainerConfig;
import io.sslstream.trainer.messaging.CheckpointOffsets;
import io.sslstream.trainer.sync.GroupOffsets;
import io.sslstream.trainer.sync.SyncState;
import io.sslstream.trainer.sync.Synchronizer;
import io.sslstream.trainer.sync.Weights;
import io.sslstream.model.checkpoint.CheckpointArchive;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The training thread: restores the run's newest checkpoint if there is one ({@link ResumeService}), then takes
 * batches from the {@link ViewQueue}, steps the {@link Learner}, logs progress, keeps the metrics and spools a
 * checkpoint every N steps, and after a while without one, for the {@link CheckpointUploader}.
 */
@ApplicationScoped
public class TrainingLoop {

    /** Name of the thread that runs the steps (its kernel name too: benchmarks pin it to a core by it). */
    public static final String THREAD_NAME = "trainer";

    /** Steps averaged for the initial and the recent loss. */
    private static final int LOSS_WINDOW = 10;
    /** Steps kept for the median step and data-wait times. */
    private static final int TIME_WINDOW = 100;

    private final TrainerConfig config;
    private final RunSettings settings;
    private final ViewQueue queue;
    private final CheckpointUploader uploader;
    private final ResumeService resume;
    private final TrainerMetrics metrics;
    private final CheckpointOffsets checkpointOffsets;
    private final GroupOffsets groupOffsets;
    private final String bootstrapServers;

    private volatile boolean running;
    private volatile String state = "starting";
    private volatile String error;
    private Thread thread;
    /** Resolved at start, so that a device that is not there stops the process before anything else runs. */
    private Device device;
    private final AtomicReference<TrainerStatus> status = new AtomicReference<>();

    // written by the training thread only
    private volatile long step;
    private volatile long samplesSeen;
    private long processSteps;
    private long nonFiniteSteps;
    private int nonFiniteInRow;
    private long lastCheckpointStep;
    private long lastCheckpointNanos;
    private Long resumedFromStep;
    private Double resumedLoss;
    private Double runInitialLoss;
    private int intraOpThreads;
    private final double[] firstLosses = new double[LOSS_WINDOW];
    private final double[] recentLosses = new double[LOSS_WINDOW];
    private final double[] stepMs = new double[TIME_WINDOW];
    private final double[] waitMs = new double[TIME_WINDOW];
    private final Map<String, Long> offsets = new TreeMap<>();
    /** Next offsets of the partitions this process trained on (a replica's pseudo-gradients say them). */
    private final Map<String, Long> ownReads = new TreeMap<>();
    private final TrainedOn trainedOn = new TrainedOn();
    private volatile double lastLoss = Double.NaN;
    private volatile double learningRate = Double.NaN;

    // a replicated run's synchronisation (null for one replica), written by the training thread only
    private Synchronizer sync;
    private TrainerMetrics.SyncMeters syncMeters;
    private long stepsInRound;
    private long samplesInRound;
    private long leftOut;
    private volatile TrainerStatus.Sync syncStatus;

    TrainingLoop(TrainerConfig config, RunSettings settings, ViewQueue queue, CheckpointUploader uploader, ResumeService resume,
                 TrainerMetrics metrics, CheckpointOffsets checkpointOffsets, GroupOffsets groupOffsets,
                 @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.settings = settings;
        this.queue = queue;
        this.uploader = uploader;
        this.resume = resume;
        this.metrics = metrics;
        this.checkpointOffsets = checkpointOffsets;
        this.groupOffsets = groupOffsets;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Resolves the device before any other start-up work (the resume's wait for the registry included): {@code gpu}
     * without a visible GPU (a pod without {@code nvidia.com/gpu}, or the CPU image) throws here, which stops the
     * service at start with {@link Engines#device}'s message instead of a trainer that turns "failed" much later.
     */
    void resolveDevice(@Observes @Priority(1) StartupEvent e) {
        device = Engines.device(config.device());
        if (config.replicas() > 1) {
            syncSettings(); // a replica id out of range stops the start here, with its message
        }
    }

    /** The replica's sync settings; its id from the configuration, else from the host name's trailing number. */
    Synchronizer.Settings syncSettings() {
        int id = config.replicaId().orElseGet(() -> replicaIdFromHost(hostname()));
        TrainerConfig.Sync s = config.sync();
        return new Synchronizer.Settings(config.replicas(), id, s.every(), s.timeout(), s.outerLearningRate(), s.outerMomentum(),
                s.topic(), s.chunkBytes());
    }

    /** The number a StatefulSet pod's name ends with ({@code trainer-2}: 2), or 0. */
    static int replicaIdFromHost(String host) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-(\\d+)$").matcher(host);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    void start(@Observes StartupEvent e) {
        running = true;
        thread = new Thread(this::run, THREAD_NAME);
        thread.start();
    }

    /** Runs before the uploader's shutdown, so that the final checkpoint is spooled first. */
    void stop(@Observes @Priority(1) ShutdownEvent e) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** The training part as of the latest step; the state and the checkpoints part (uploads, spool) as they are now. */
    public TrainerStatus status() {
        TrainerStatus s = status.get();
        if (s == null) {
            s = new TrainerStatus(settings.runId(), settings.method().method(), settings.encoder(), state, 0, 0, learningRate, null,
                    null, null, null, 0, 0, 0, 0, 0, null, null, error, 0, resume.skipped(), syncStatus);
        }
        // the state now: a trainer waiting minutes for its first batch, or in a 10 s step, is not still "resuming"
        return s.withState(state).withCheckpoints(uploader.published(), uploader.lastVersion(), pending(), uploader.problem());
    }

    private void run() {
        metrics.progress(() -> lastLoss, () -> learningRate, () -> step, () -> samplesSeen);

        int batchSize = settings.learner().batchSize();
        try {
            state = "resuming";
            Optional<ResumeService.Checkpoint> checkpoint = resume.await(Duration.ofDays(1));
            state = "starting";
            intraOpThreads = Threads.configure(config.threads());
            try (Learner learner = new Learner(settings.learner(), device)) {
                SyncState restoredSync = null;
                if (checkpoint.isPresent()) {
                    restoredSync = restore(learner, checkpoint.get());
                }
                if (config.replicas() > 1) {
                    joinGroup(learner, restoredSync);
                    if (!running) {
                        return;
                    }
                }
                learningRate = learner.learningRate();
                publishStatus();
                Log.infof("trainer %s: %s on %s (%s), batch %d, %s lr %s, %d intra-op / %d inter-op threads, reading %s",
                        settings.runId(), settings.method().method(), settings.encoder(), learner.device(), batchSize,
                        settings.learner().optimizer().name(), learningRate, intraOpThreads, Threads.interOp(),
                        Topics.views(settings.recipe()));
                try {
                    train(learner);
                } finally {
                    if (sync != null) {
                        sync.close();
                    }
                }
                if (sync == null && config.checkpoint().onShutdown() && step > lastCheckpointStep) {
                    checkpoint(learner);
                } else if (sync != null && config.checkpoint().onShutdown() && sync.isLeader()) {
                    lastRoundCheckpoint(learner);
                }
            }
            state = "stopped";
            Log.infof("trainer stopped at step %d (%d steps in this process)", step, processSteps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "stopped";
        } catch (RuntimeException | Error | TimeoutException e) {
            state = "failed";
            error = e.getMessage() != null ? e.getMessage() : e.toString();
            Log.error("training failed", e);
        }
        publishStatus();
    }

    private void train(Learner learner) throws InterruptedException {
        int batchSize = settings.learner().batchSize();
        long lastLog = System.nanoTime();
        lastCheckpointNanos = lastLog;
        try (BatchFeed feed = config.prefetch() ? BatchFeed.prefetching(queue, learner, batchSize, this::isRunning)
                : BatchFeed.direct(queue, learner, batchSize, this::isRunning)) {
            while (running && (settings.maxSteps() == 0 || step < settings.maxSteps())) {
                state = "waiting-for-data";
                long t0 = System.nanoTime();
                BatchFeed.Ready next = feed.next(); // the data wait: until the next batch is the step's input
                if (next == null) {
                    return;
                }
                List<ViewQueue.Item> batch = next.items();
                long t1 = System.nanoTime();
                state = "training";
                float loss = learner.step(next.input());
                long t2 = System.nanoTime();
                if (!Float.isFinite(loss)) {
                    skipped(batch, learner.skipReason());
                    continue;
                }
                nonFiniteInRow = 0;
                record(batch, loss, t1 - t0, t2 - t1);
                learningRate = learner.learningRate();
                metrics.step(t1 - t0, t2 - t1, batch.size());
                publishStatus();
                if (step % config.logEverySteps() == 0) {
                    double secs = (t2 - lastLog) / 1e9;
                    lastLog = t2;
                    Log.infof("step %d loss %.4f lr %.3g | step %.0f ms, data wait %.0f ms (medians) | %.0f img/s | %d samples seen",
                            step, mean(recentLosses, processSteps), learningRate, median(stepMs), median(waitMs),
                            config.logEverySteps() * batchSize / secs, samplesSeen);
                }
                if (sync != null) {
                    stepsInRound++;
                    samplesInRound += batch.size();
                    if (stepsInRound >= sync.settings().every() && !endRound(learner)) {
                        return;
                    }
                } else if (checkpointDue(t2)) {
                    checkpoint(learner);
                }
            }
        }
    }

    /**
     * A replicated run: restores the sync state with the checkpoint, replays the rounds closed since from the sync
     * topic, and takes the group's step, samples and offsets.
     */
    private void joinGroup(Learner learner, SyncState restored) {
        Synchronizer.Settings s = syncSettings();
        state = "joining";
        sync = Synchronizer.open(s, settings.runId(), new Weights(learner.method()), bootstrapServers);
        syncMeters = metrics.sync(s.replicaId(), sync::round, () -> syncStatus == null ? 0 : syncStatus.members().size());
        int replayed = sync.start(restored, restored == null ? samplesSeen : 0, restored == null ? offsets : Map.of(), this::isRunning);
        if (replayed < 0) {
            return;
        }
        learner.advance((long) replayed * s.every());
        step = learner.steps();
        samplesSeen = sync.samples();
        offsets.putAll(sync.offsets());
        groupOffsets.update(sync.offsets());
        lastCheckpointStep = step;
        syncStatus = new TrainerStatus.Sync(s.replicaId(), s.replicas(), s.every(), sync.round(), sync.weightsHash(), List.of(),
                false, 0, 0);
        Log.infof("replica %d of %d, %d local steps per round, outer Nesterov lr %s momentum %s, sync topic %s: after round %d "
                        + "(%d replayed), step %d", s.replicaId(), s.replicas(), s.every(), s.outerLearningRate(), s.outerMomentum(),
                s.topic(), sync.round(), replayed, step);
    }

    /**
     * Ends a round: sends this replica's pseudo-gradient, waits for the round's outer step and takes it; the lowest
     * member then writes a checkpoint if one is due. False if the trainer is stopping.
     */
    private boolean endRound(Learner learner) {
        state = "syncing";
        Synchronizer.Outcome o = sync.sync(stepsInRound, samplesInRound, new TreeMap<>(ownReads), this::isRunning);
        if (o == null) {
            return false;
        }
        if (o.rounds() > 1) {
            learner.advance((long) (o.rounds() - 1) * sync.settings().every()); // rounds it caught up on without training them
        }
        stepsInRound = 0;
        samplesInRound = 0;
        if (!o.member()) {
            leftOut++;
        }
        step = learner.steps();
        samplesSeen = sync.samples();
        offsets.putAll(sync.offsets());
        groupOffsets.update(sync.offsets());
        syncMeters.round(o.rounds(), o.seconds(), o.bytesSent(), o.member());
        syncStatus = new TrainerStatus.Sync(sync.settings().replicaId(), sync.settings().replicas(), sync.settings().every(),
                o.round(), o.weightsHash(), o.members(), o.leader(), leftOut, o.seconds());
        Log.infof("round %d: members %s (%s), sync %.2f s, %d KiB sent, weights %s%s", o.round(), o.members(), o.reason(),
                o.seconds(), o.bytesSent() / 1024, o.weightsHash().substring(0, 12), o.leader() ? ", writes the checkpoints" : "");
        publishStatus();
        if (o.leader() && (step - lastCheckpointStep >= config.checkpoint().everySteps() || intervalPassed(System.nanoTime()))) {
            checkpoint(learner);
        }
        return true;
    }

    /**
     * A replicated run's leader stopping: its model holds the local steps of an unfinished round, which belong to no
     * round; the checkpoint gets the group's weights of the last round instead (and that round's step, samples and
     * offsets), unless that round is already checkpointed.
     */
    private void lastRoundCheckpoint(Learner learner) {
        long roundStep = step - stepsInRound;
        if (roundStep <= lastCheckpointStep) {
            return;
        }
        sync.restoreRoundWeights();
        step = roundStep;
        samplesSeen = sync.samples();
        checkpoint(learner);
        Log.infof("stopping mid-round: checkpointed the group's weights after round %d (step %d), not this replica's %d "
                + "steps since", sync.round(), step, stepsInRound);
    }

    private boolean intervalPassed(long now) {
        Duration interval = config.checkpoint().interval();
        return !interval.isZero() && now - lastCheckpointNanos >= interval.toNanos();
    }

    /** Restores a checkpoint; returns its sync state (a replicated run's), or null. */
    private SyncState restore(Learner learner, ResumeService.Checkpoint c) {
        CheckpointManifest m = c.manifest();
        SyncState syncState = null;
        try {
            if (CheckpointArchive.entries(c.archive()).containsKey(SyncState.ENTRY)) {
                syncState = SyncState.fromBytes(CheckpointArchive.readEntry(c.archive(), SyncState.ENTRY));
            }
            learner.restore(c.archive(), m.step(), syncState == null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + c.source() + ": " + e.getMessage(), e);
        }
        step = m.step();
        samplesSeen = m.samplesSeen();
        lastCheckpointStep = m.step();
        offsets.putAll(m.offsets());
        trainedOn.restore(m.provenance());
        resumedFromStep = m.step();
        resumedLoss = m.metrics().get(CheckpointManifest.Metrics.LOSS);
        runInitialLoss = m.metrics().get(CheckpointManifest.Metrics.INITIAL_LOSS);
        Log.infof("restored step %d, %d samples seen, loss %s, offsets %s from %s%s", step, samplesSeen, resumedLoss, offsets,
                c.source(), syncState == null ? "" : " (sync round " + syncState.round() + ")");
        return syncState;
    }

    private void record(List<ViewQueue.Item> batch, float loss, long waitNanos, long stepNanos) {
        int i = (int) (processSteps % LOSS_WINDOW);
        if (processSteps < LOSS_WINDOW) {
            firstLosses[i] = loss;
        }
        recentLosses[i] = loss;
        stepMs[(int) (processSteps % TIME_WINDOW)] = stepNanos / 1e6;
        waitMs[(int) (processSteps % TIME_WINDOW)] = waitNanos / 1e6;
        processSteps++;
        step++;
        samplesSeen += batch.size();
        lastLoss = loss;
        for (ViewQueue.Item it : batch) {
            String key = new OffsetKey(it.topic(), it.partition()).toString();
            offsets.merge(key, it.offset() + 1, Math::max);
            ownReads.merge(key, it.offset() + 1, Math::max);
            trainedOn.add(it);
        }
    }

    /**
     * A step the learner skipped (its loss or a gradient was not finite): its view sets count as seen, and their
     * offsets as read, so that the run's lineage (offsets against samples seen) stays whole; the step counter does not
     * move. Too many in a row stop the run: its weights or its data cannot go on.
     */
    private void skipped(List<ViewQueue.Item> batch, String why) {
        nonFiniteSteps++;
        nonFiniteInRow++;
        metrics.nonFiniteStep();
        samplesSeen += batch.size();
        for (ViewQueue.Item it : batch) {
            String key = new OffsetKey(it.topic(), it.partition()).toString();
            offsets.merge(key, it.offset() + 1, Math::max);
            ownReads.merge(key, it.offset() + 1, Math::max);
            trainedOn.add(it);
        }
        ViewQueue.Item first = batch.get(0);
        Log.warnf("skipped the step after %d: %s (%d in a row, %d in this process; the batch's first sample %s, %s-%d offset %d)",
                step, why, nonFiniteInRow, nonFiniteSteps, first.views().sampleId(), first.topic(), first.partition(), first.offset());
        if (nonFiniteInRow >= config.maxNonfiniteSteps()) {
            throw new IllegalStateException(nonFiniteInRow + " steps in a row after step " + step + " had a non-finite loss or "
                    + "gradient; the run stops without another checkpoint (ssl.trainer.max-nonfinite-steps)");
        }
        publishStatus();
    }

    /** Every {@code every-steps} steps, and once {@code interval} has passed since the last checkpoint or the start. */
    private boolean checkpointDue(long now) {
        Duration interval = config.checkpoint().interval();
        return step % config.checkpoint().everySteps() == 0
                || (!interval.isZero() && now - lastCheckpointNanos >= interval.toNanos());
    }

    private void checkpoint(Learner learner) {
        String bad = learner.firstNonFinite();
        if (bad != null) {
            throw new IllegalStateException("weights not finite at step " + step + " (" + bad + "): no checkpoint written, "
                    + "nothing published; a restart resumes from the run's newest good checkpoint");
        }
        CheckpointManifest manifest = manifest(learner);
        String name = settings.runId() + "-step" + String.format("%09d", step);
        Map<String, byte[]> more = sync == null ? Map.of() : Map.of(SyncState.ENTRY, sync.state().toBytes());
        uploader.submit(name, file -> learner.save(file, manifest, more));
        checkpointOffsets.commit(manifest.offsets()); // the group's offsets: what a crash from here on would read again
        lastCheckpointStep = step;
        lastCheckpointNanos = System.nanoTime();
        Log.debugf("spooled checkpoint %s", name);
    }

    private CheckpointManifest manifest(Learner learner) {
        Map<String, Double> values = new LinkedHashMap<>();
        double recent = processSteps > 0 ? mean(recentLosses, processSteps) : resumedLoss != null ? resumedLoss : Double.NaN;
        values.put(CheckpointManifest.Metrics.LOSS, recent);
        values.put(CheckpointManifest.Metrics.INITIAL_LOSS, runInitialLoss != null ? runInitialLoss
                : mean(firstLosses, Math.min(processSteps, LOSS_WINDOW)));
        values.put(CheckpointManifest.Metrics.LEARNING_RATE, learner.learningRate());
        Map<String, String> provenance = new LinkedHashMap<>(Engines.provenance(learner.device())); // code version included
        provenance.put(Provenance.HOST, hostname());
        provenance.put(Provenance.TRAINED_AT, Instant.now().toString());
        provenance.put(Provenance.INTRA_OP_THREADS, Integer.toString(intraOpThreads));
        if (resumedFromStep != null) {
            provenance.put(Provenance.RESUMED_FROM_STEP, Long.toString(resumedFromStep));
        }
        provenance.putAll(trainedOn.provenance()); // dataset, recipe, recipe version
        if (sync != null) {
            provenance.put(Provenance.REPLICAS, Integer.toString(sync.settings().replicas()));
            provenance.put(Provenance.SYNC_EVERY, Integer.toString(sync.settings().every()));
            provenance.put(Provenance.SYNC_ROUND, Long.toString(sync.round()));
            provenance.put(Provenance.WEIGHTS_HASH, sync.weightsHash());
        }
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, settings.modelName(), settings.runId(),
                settings.method().method(), settings.method().architecture(), settings.method().input(), step, samplesSeen,
                settings.learner().seed(), settings.configHash(), settings.hyperparameters(), values,
                new TreeMap<>(sync != null ? sync.offsets() : offsets),
                provenance);
    }

    private void publishStatus() {
        status.set(new TrainerStatus(settings.runId(), settings.method().method(), settings.encoder(), state, step, samplesSeen,
                learningRate, resumedFromStep, resumedLoss,
                processSteps == 0 ? null : mean(firstLosses, Math.min(processSteps, LOSS_WINDOW)),
                processSteps == 0 ? null : mean(recentLosses, processSteps), median(stepMs), median(waitMs), intraOpThreads,
                uploader.published(), uploader.lastVersion(), pending(), uploader.problem(), error, nonFiniteSteps,
                resume.skipped(), syncStatus));
    }

    /** Spooled checkpoints not yet published, or null while the spool cannot be listed. */
    private Integer pending() {
        OptionalInt n = uploader.pending();
        return n.isPresent() ? n.getAsInt() : null;
    }

    /** Mean of the first {@code min(n, window)} entries of a ring. */
    private static double mean(double[] ring, long n) {
        int k = (int) Math.min(n, ring.length);
        if (k == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += ring[i];
        }
        return s / k;
    }

    private double median(double[] ring) {
        int k = (int) Math.min(processSteps, ring.length);
        if (k == 0) {
            return 0;
        }
        double[] c = Arrays.copyOf(ring, k);
        Arrays.sort(c);
        return c[k / 2];
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return Provenance.UNKNOWN;
        }
    }
}
