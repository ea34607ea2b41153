package io.sslstream.trainer;

/**
 * What the trainer is doing, as {@code GET /api/v1/status} shows it.
 *
 * @param runId                  training run
 * @param method                 SSL method
 * @param state                  {@code starting}, {@code waiting-for-data}, {@code training}, {@code stopped}, {@code failed}
 * @param step                   optimizer steps done
 * @param samplesSeen            view sets trained on
 * @param initialLoss            mean loss of the first steps of this process (null before them)
 * @param loss                   mean loss of the most recent steps (null before the first)
 * @param medianStepMs           median step time over the recent steps, data wait excluded
 * @param medianDataWaitMs       median time spent waiting for the next batch over the recent steps
 * @param checkpointsPublished   checkpoints the registry accepted in this process
 * @param lastPublishedVersion   newest registry version published, 0 if none
 * @param pendingCheckpoints     checkpoints written but not yet accepted by the registry
 * @param error                  why the trainer failed, or null
 */
public record TrainerStatus(String runId, String method, String state, long step, long samplesSeen, Double initialLoss,
                            Double loss, double medianStepMs, double medianDataWaitMs, long checkpointsPublished,
                            int lastPublishedVersion, int pendingCheckpoints, String error) {
}
