package io.sslstream.eval;

import io.sslstream.contracts.events.ProtocolResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the evaluator is doing, as {@code GET /api/v1/status} shows it.
 *
 * @param dataset     evaluation dataset name
 * @param datasetId   what evaluations are stored under, {@code name@train/test}
 * @param format      {@code idx} or {@code folder}
 * @param classes     number of classes
 * @param trainItems  labelled train images used
 * @param testItems   test images used
 * @param device      where it computes
 * @param protocols   protocols run on every checkpoint
 * @param registry    registry base URL
 * @param current     the version being evaluated, or null
 * @param waiting     what the current event waits for (an unavailable dependency), or null
 * @param seen        versions announced to this process, newest first, with what became of them
 * @param recent      evaluations done by this process, newest first
 * @param baselines   raw-pixel results, then random-init results per architecture (empty until the first evaluation
 *                    computed them)
 * @param champions   per model, the champion as this process last saw or moved it
 * @param assignments partition assignments of the checkpoint consumer (1 unless the group rebalanced)
 */
public record EvalStatus(String dataset, String datasetId, String format, int classes, int trainItems, int testItems, String device,
                         List<String> protocols, String registry, Seen current, Waiting waiting, List<Seen> seen,
                         List<Done> recent, List<ProtocolResult> baselines, Map<String, Champion> champions, int assignments) {

    /**
     * The champion of a model.
     *
     * @param version   the version {@code champion} points to (after the last decision)
     * @param accuracy  its accuracy on the deciding protocol, or null if not comparable
     * @param candidate the version last considered
     * @param moved     whether the last decision moved the alias
     * @param reason    why
     */
    public record Champion(int version, Double accuracy, int candidate, boolean moved, String reason) {
    }

    /**
     * A dependency the current event waits for; the event is kept, and the call made again until it succeeds.
     *
     * @param dependency  {@code registry}, {@code kafka} or {@code work-directory}
     * @param what        the call that waits
     * @param since       when its first attempt failed
     * @param attempts    failed attempts so far
     * @param lastError   why the last one failed
     * @param nextAttempt when the next one is made
     */
    public record Waiting(String dependency, String what, Instant since, int attempts, String lastError, Instant nextAttempt) {
    }

    /**
     * A version announced on {@code ssl.checkpoints}.
     *
     * @param model      model name
     * @param version    version
     * @param eventId    the announcement's event id
     * @param receivedAt when this process received it
     * @param state      {@code evaluating}, {@code succeeded}, {@code failed}, {@code skipped}, {@code republished},
     *                   {@code nacked} (sent to the dead-letter topic) or {@code interrupted} (the process stopped while
     *                   it waited for a dependency: left unacknowledged, read again after the restart)
     * @param detail     why it was skipped, failed, nacked or interrupted, else null
     */
    public record Seen(String model, int version, UUID eventId, Instant receivedAt, String state, String detail) {
    }

    /**
     * One finished evaluation.
     *
     * @param model         model name
     * @param version       version
     * @param status        {@code succeeded} or {@code failed}
     * @param failureReason why it failed, else null
     * @param accuracies    accuracy by {@code featureSet/protocol}
     * @param seconds       event receipt to stored
     * @param finishedAt    when it was stored
     */
    public record Done(String model, int version, String status, String failureReason, Map<String, Double> accuracies,
                       double seconds, Instant finishedAt) {
    }
}
