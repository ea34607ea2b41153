package io.sslstream.bench.chaos;

import io.sslstream.cli.LocalStack;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.service.messaging.DeadLetter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * After a chaos run: reads the registry and every topic from the beginning and counts what should be zero (lost
 * samples, doubled versions, lost or doubled events and evaluations, blobs that do not match their hash, non-finite
 * checkpoints, broken training lineage) next to the totals they are out of.
 */
final class Reconciliation {

    /**
     * Every count of a run. "Lost" and "doubled" counts are the ones that must be zero.
     *
     * @param fed                raw samples the broker acknowledged to the feeder
     * @param feedFailures       sends the feeder's producer gave up
     * @param rawDeadLetters     records in {@code ssl.samples.dlq} by stage
     * @param viewRecords        records in {@code ssl.views.simclr}
     * @param viewSamples        distinct sample ids among them
     * @param samplesLost        fed ids with neither a view set nor a dead letter
     * @param versions           registry versions of the model
     * @param versionsDoubled    versions beyond the first for one (run, step) or one weights hash
     * @param events             {@code ssl.checkpoints} records for the model
     * @param eventsMissing      versions without a checkpoint event
     * @param eventsDoubled      versions with more than one distinct event id
     * @param evaluationsLost    versions without a stored evaluation
     * @param evaluationsDoubled versions with more than one stored evaluation on one dataset
     * @param evaluationsFailed  stored evaluations with status failed
     * @param evaluationEventsMissing versions without an event on {@code ssl.evaluations}
     * @param evaluationEventsDoubled versions with more than one distinct evaluation event for one dataset
     * @param blobMismatches     versions whose downloaded weights do not hash to their SHA-256
     * @param nonFinite          versions with a non-finite loss in the manifest or a failed "non-finite" evaluation
     * @param lineageBroken      versions whose manifest offsets do not add up to their samples seen
     * @param viewsUntrained     views beyond the last checkpoint's offsets at the end
     * @param checkpointDeadLetters records in {@code ssl.checkpoints.dlq}
     */
    record Counts(long fed, long feedFailures, Map<String, Long> rawDeadLetters, long viewRecords, long viewSamples,
                  long samplesLost, int versions, int versionsDoubled, long events, int eventsMissing, int eventsDoubled,
                  int evaluationsLost, int evaluationsDoubled, int evaluationsFailed, int evaluationEventsMissing,
                  int evaluationEventsDoubled, int blobMismatches, int nonFinite, int lineageBroken, long viewsUntrained,
                  long checkpointDeadLetters, long finalStep, long finalSamplesSeen) {
    }

    private final LocalStack stack;
    private final String model;
    private final Set<String> fed;
    private final long feedFailures;
    private final Path work;

    Reconciliation(LocalStack stack, String model, Set<String> fed, long feedFailures, Path work) {
        this.stack = stack;
        this.model = model;
        this.fed = fed;
        this.feedFailures = feedFailures;
        this.work = work;
    }

    Counts count() throws IOException {
        String bootstrap = stack.bootstrapServers();
        String viewsTopic = Topics.views("simclr");

        Map<String, Long> rawDlq = new TreeMap<>();
        Set<String> deadLettered = new HashSet<>();
        TopicReader.readAll(bootstrap, Topics.SAMPLES_DLQ, r -> {
            String stage = DeadLetter.read(r.headers()).map(DeadLetter::stage).orElse("(no headers)");
            rawDlq.merge(stage, 1L, Long::sum);
            if (r.key() != null) {
                deadLettered.add(r.key());
            }
        });
        Set<String> viewed = new HashSet<>();
        long viewRecords = TopicReader.readAll(bootstrap, viewsTopic, r -> viewed.add(ViewSet.decode(r.value()).sampleId()));
        long lost = fed.stream().filter(id -> !viewed.contains(id) && !deadLettered.contains(id)).count();

        List<ModelVersion> versions = stack.versions();
        Map<String, Integer> byRunStep = new HashMap<>();
        Map<String, Integer> bySha = new HashMap<>();
        for (ModelVersion v : versions) {
            byRunStep.merge(v.runId() + "@" + v.step(), 1, Integer::sum);
            bySha.merge(v.weightsSha256(), 1, Integer::sum);
        }
        int doubled = Math.max(byRunStep.values().stream().mapToInt(c -> c - 1).sum(), bySha.values().stream().mapToInt(c -> c - 1).sum());

        Map<Integer, Set<UUID>> checkpointEvents = new HashMap<>();
        long events = TopicReader.readAll(bootstrap, Topics.CHECKPOINTS, r -> {
            CheckpointPublished e = Json.read(new String(r.value(), StandardCharsets.UTF_8), CheckpointPublished.class);
            if (model.equals(e.modelName())) {
                checkpointEvents.computeIfAbsent(e.version(), k -> new HashSet<>()).add(e.eventId());
            }
        });
        Map<String, Set<UUID>> evaluationEvents = new HashMap<>();
        TopicReader.readAll(bootstrap, Topics.EVALUATIONS, r -> {
            EvaluationCompleted e = Json.read(new String(r.value(), StandardCharsets.UTF_8), EvaluationCompleted.class);
            if (model.equals(e.modelName())) {
                evaluationEvents.computeIfAbsent(e.version() + "/" + e.dataset(), k -> new HashSet<>()).add(e.eventId());
            }
        });
        long checkpointDlq = TopicReader.readAll(bootstrap, Topics.CHECKPOINTS_DLQ, r -> { });

        int eventsMissing = 0;
        int eventsDoubled = 0;
        int evalLost = 0;
        int evalDoubled = 0;
        int evalFailed = 0;
        int evalEventsMissing = 0;
        int evalEventsDoubled = 0;
        int blobMismatches = 0;
        int nonFinite = 0;
        int lineage = 0;
        Path tmp = Files.createDirectories(work.resolve("reconcile"));
        for (ModelVersion v : versions) {
            Set<UUID> ev = checkpointEvents.getOrDefault(v.version(), Set.of());
            eventsMissing += ev.isEmpty() ? 1 : 0;
            eventsDoubled += ev.size() > 1 ? 1 : 0;
            Map<String, Integer> perDataset = new HashMap<>();
            for (EvaluationCompleted e : v.evaluations()) {
                perDataset.merge(e.dataset(), 1, Integer::sum);
                if (EvaluationCompleted.FAILED.equals(e.status())) {
                    evalFailed++;
                    if (String.valueOf(e.failureReason()).contains("non-finite")) {
                        nonFinite++;
                    }
                }
            }
            evalLost += perDataset.isEmpty() ? 1 : 0;
            evalDoubled += perDataset.values().stream().anyMatch(c -> c > 1) ? 1 : 0;
            if (perDataset.isEmpty()) {
                evalEventsMissing++;
            }
            for (String dataset : perDataset.keySet()) {
                int n = evaluationEvents.getOrDefault(v.version() + "/" + dataset, Set.of()).size();
                evalEventsMissing += n == 0 ? 1 : 0;
                evalEventsDoubled += n > 1 ? 1 : 0;
            }
            Path f = tmp.resolve("v" + v.version() + ".zip");
            stack.registry().downloadWeights(model, v.version(), f);
            if (!Sha256.of(f).equals(v.weightsSha256())) {
                blobMismatches++;
            }
            Files.deleteIfExists(f);
            if (v.loss() != null && !Double.isFinite(v.loss())) {
                nonFinite++;
            }
            if (v.manifest() != null) {
                long offsets = v.manifest().offsets().values().stream().mapToLong(Long::longValue).sum();
                if (offsets != v.samplesSeen()) {
                    lineage++;
                }
            }
        }
        ModelVersion last = versions.stream().max((a, b) -> Long.compare(a.step(), b.step())).orElse(null);
        long untrained = TopicReader.endOffsets(bootstrap, viewsTopic).values().stream().mapToLong(Long::longValue).sum()
                - (last == null || last.manifest() == null ? 0 : last.manifest().offsets().values().stream().mapToLong(Long::longValue).sum());
        return new Counts(fed.size(), feedFailures, rawDlq, viewRecords, viewed.size(), lost, versions.size(), doubled, events,
                eventsMissing, eventsDoubled, evalLost, evalDoubled, evalFailed, evalEventsMissing, evalEventsDoubled, blobMismatches,
                nonFinite, lineage, untrained, checkpointDlq, last == null ? 0 : last.step(), last == null ? 0 : last.samplesSeen());
    }
}
