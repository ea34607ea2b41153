package io.sslstream.trainer;

import java.util.List;

/**
 * What the trainer is doing, as {@code GET /api/v1/status} shows it.
 *
 * @param runId                  training run
 * @param method                 SSL method
 * @param encoder                encoder architecture
 * @param state                  {@code resuming} (looking for the run's newest checkpoint), {@code starting},
 *                               {@code waiting-for-data}, {@code training}, {@code stopped}, {@code failed}
 * @param step                   optimizer steps of the run (a resumed run counts on from its checkpoint)
 * @param samplesSeen            view sets the run trained on
 * @param learningRate           learning rate of the next step
 * @param resumedFromStep        step of the checkpoint this process resumed from, or null for a fresh start
 * @param resumedLoss            the training loss recorded in that checkpoint, or null
 * @param initialLoss            mean loss of the first steps of this process (null before them)
 * @param loss                   mean loss of the most recent steps (null before the first)
 * @param medianStepMs           median step time over the recent steps, data wait excluded
 * @param medianDataWaitMs       median time spent waiting for the next batch over the recent steps
 * @param intraOpThreads         libtorch intra-op threads of the training thread
 * @param checkpointsPublished   checkpoints the registry accepted in this process
 * @param lastPublishedVersion   newest registry version published, 0 if none
 * @param pendingCheckpoints     checkpoints written but not yet accepted by the registry, or null while the spool cannot
 *                               be listed
 * @param checkpointProblem      why checkpoints cannot be uploaded (the spool cannot be listed), or null
 * @param error                  why the trainer failed, or null
 * @param nonFiniteSteps         steps of this process skipped because their loss or a gradient was NaN or infinite
 * @param skippedCheckpoints     checkpoints passed over at resume (newer than the one resumed from, but unreadable,
 *                               corrupt or not finite), each with the reason; empty if none
 * @param sync                   a replicated run's synchronisation, or null for a run of one trainer
 */
public record TrainerStatus(String runId, String method, String encoder, String state, long step, long samplesSeen,
                            double learningRate, Long resumedFromStep, Double resumedLoss, Double initialLoss, Double loss,
                            double medianStepMs, double medianDataWaitMs, int intraOpThreads, long checkpointsPublished,
                            int lastPublishedVersion, Integer pendingCheckpoints, String checkpointProblem, String error,
                            long nonFiniteSteps, List<String> skippedCheckpoints, Sync sync) {

    /**
     * A replica's view of its run's DiLoCo rounds.
     *
     * @param replica        this replica's id
     * @param replicas       replicas the run is configured for
     * @param every          local steps per round
     * @param round          the last round applied
     * @param weightsHash    SHA-256 of the weights after it (equal on every replica)
     * @param members        that round's members
     * @param leader         whether this replica writes the run's checkpoints (the lowest member)
     * @param leftOut        rounds this process's pseudo-gradient did not count in (late or not sent)
     * @param lastSyncSeconds time of the latest round, from sending until the weights were updated
     */
    public record Sync(int replica, int replicas, int every, long round, String weightsHash, List<Integer> members, boolean leader,
                       long leftOut, double lastSyncSeconds) {
    }

    /** This status with another state. */
    public TrainerStatus withState(String now) {
        return new TrainerStatus(runId, method, encoder, now, step, samplesSeen, learningRate, resumedFromStep, resumedLoss,
                initialLoss, loss, medianStepMs, medianDataWaitMs, intraOpThreads, checkpointsPublished, lastPublishedVersion,
                pendingCheckpoints, checkpointProblem, error, nonFiniteSteps, skippedCheckpoints, sync);
    }

    /** This status with the uploader's fields as they are now. */
    public TrainerStatus withCheckpoints(long published, int lastVersion, Integer pending, String problem) {
        return new TrainerStatus(runId, method, encoder, state, step, samplesSeen, learningRate, resumedFromStep, resumedLoss,
                initialLoss, loss, medianStepMs, medianDataWaitMs, intraOpThreads, published, lastVersion, pending, problem, error,
                nonFiniteSteps, skippedCheckpoints, sync);
    }
}
