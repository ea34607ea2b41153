package io.sslstream.registry;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.registry.messaging.OutboxRelay;
import io.sslstream.registry.store.BlobRejectedException;
import io.sslstream.registry.store.BlobStore;
import io.sslstream.registry.store.AliasStore;
import io.sslstream.registry.store.EvaluationStore;
import io.sslstream.registry.store.Jdbc;
import io.sslstream.registry.store.OutboxStore;
import io.sslstream.registry.store.TagStore;
import io.sslstream.registry.store.VersionStore;
import io.sslstream.registry.store.VersionStore.VersionRow;
import io.sslstream.service.fault.Failpoints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The registry's operations: validation, the transactions that keep versions and their events together, and
 * the meters. The REST resources only translate HTTP to these calls; a refusal is a {@link Refusal},
 * which {@code rest/} answers with its problem document.
 */
@ApplicationScoped
public class CheckpointRegistry {

    /**
     * A fault test holds the registry here, after a version's transaction committed and before the answer is sent
     * (see {@link Failpoints}), and kills it.
     */
    public static final String AFTER_VERSION_COMMIT = "registry.after-version-commit";

    /** Concurrent creators of one model collide on the version number; each retry sees the winner's row. */
    private static final int CREATE_ATTEMPTS = 10;

    private final BlobStore blobs;
    private final Jdbc jdbc;
    private final VersionStore versions;
    private final EvaluationStore evaluations;
    private final AliasStore aliases;
    private final TagStore tags;
    private final OutboxStore outbox;
    private final OutboxRelay relay;
    private final RegistryMetrics metrics;
    private final RegistryConfig config;

    public CheckpointRegistry(BlobStore blobs, Jdbc jdbc, VersionStore versions, EvaluationStore evaluations,
                              AliasStore aliases, TagStore tags, OutboxStore outbox, OutboxRelay relay,
                              RegistryMetrics metrics, RegistryConfig config) {
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.versions = versions;
        this.evaluations = evaluations;
        this.aliases = aliases;
        this.tags = tags;
        this.outbox = outbox;
        this.relay = relay;
        this.metrics = metrics;
        this.config = config;
    }

    // ---- blobs

    /**
     * Stores an uploaded blob after verifying its digest and size.
     *
     * @param declaredLength the request's Content-Length, or {@code null} for a chunked upload
     */
    public BlobStore.Stored putBlob(String sha256, Long declaredLength, InputStream body) throws IOException {
        long max = config.maxUploadBytes().asLongValue();
        if (!Sha256.isValid(sha256)) {
            metrics.uploadRejected(RegistryMetrics.INVALID_DIGEST);
            throw invalidDigest(sha256);
        }
        if (declaredLength != null && declaredLength > max) {
            metrics.uploadRejected(BlobRejectedException.TOO_LARGE);
            throw tooLarge("Content-Length " + declaredLength + " exceeds the upload limit of " + max + " bytes");
        }
        try {
            BlobStore.Stored stored = blobs.put(sha256, body, max);
            if (stored.created()) {
                metrics.blobStored(stored.info().size());
                Log.infof("Stored blob %s (%d bytes)", sha256, stored.info().size());
            }
            return stored;
        } catch (BlobRejectedException e) {
            metrics.uploadRejected(e.reason());
            if (BlobRejectedException.TOO_LARGE.equals(e.reason())) {
                throw tooLarge(e.getMessage());
            }
            throw Refusal.invalid(e.reason(), "Digest mismatch", e.getMessage());
        }
    }

    /** The stored blob's file; refused {@link Refusal.Kind#NOT_FOUND} if unknown. */
    public Path blob(String sha256) {
        if (!Sha256.isValid(sha256)) {
            throw invalidDigest(sha256);
        }
        return blobs.find(sha256).orElseThrow(() -> Refusal.notFound("blob-not-found", "Blob not found",
                "no blob with sha256 " + sha256));
    }

    // ---- versions

    /** The size of a stored blob (what HEAD answers); refused {@link Refusal.Kind#NOT_FOUND} if unknown. */
    public long blobSize(String sha256) {
        return fileSize(blob(sha256));
    }

    /**
     * A version that a create request answered with, and whether that request created it (false: the request's
     * idempotency key had created it before, and nothing was written now).
     */
    public record Creation(ModelVersion version, boolean created) {
    }

    /**
     * Creates the next version of {@code model} and, in the same transaction, its {@link CheckpointPublished}
     * outbox event; then asks the relay to publish it.
     *
     * <p>With an idempotency key, the key is stored with the version (unique per model), and a request whose key
     * already created a version of this model creates nothing: if its weights digest and manifest are those of that
     * version it gets that version back ({@link Creation#created()} false; no new number, no new event), otherwise it
     * is refused ({@link Refusal.Kind#UNACCEPTABLE} {@code idempotency-key-reused}). Tags are not compared: they can
     * change after creation. Two concurrent requests with one key collide on the unique key; the loser's retry finds
     * the winner's version and answers with it.
     *
     * @param idempotencyKey the request's key ({@link IdempotencyKey#isValid valid}), or {@code null} for none
     */
    public Creation createVersion(String model, CreateVersionRequest request, String idempotencyKey) {
        ModelNames.require(model);
        if (request == null) {
            throw Refusal.invalid("missing-body", "Missing request body",
                    "a CreateVersionRequest JSON body is required");
        }
        if (idempotencyKey != null && !IdempotencyKey.isValid(idempotencyKey)) {
            throw invalidIdempotencyKey("an idempotency key is 1 to " + IdempotencyKey.MAX_LENGTH
                    + " visible ASCII characters (no spaces), got " + idempotencyKey.length() + " characters: "
                    + Tags.quote(idempotencyKey));
        }
        String sha = request.weightsSha256();
        if (!Sha256.isValid(sha)) {
            throw Refusal.invalid("invalid-digest", "Invalid SHA-256 digest",
                    "weightsSha256 must be 64 lower-case hex characters, got: " + sha);
        }
        CheckpointManifest manifest = validManifest(model, request.manifest());
        Map<String, String> versionTags = Tags.require(request.tags());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

        // retention cannot delete the blob between this check and the commit that makes the version use it
        Written written = blobs.referencing(() -> {
            Path weights = blobs.find(sha).orElseThrow(() -> Refusal.unacceptable("unknown-blob", "Unknown weights blob",
                    "no blob with sha256 " + sha + ": upload it with PUT /api/v1/blobs/sha256/" + sha + " first"));
            long size = fileSize(weights);
            try {
                return jdbc.inTransactionRetrying("create a version of " + model, CREATE_ATTEMPTS, c -> {
                    long modelId = versions.ensureModel(c, model, now);
                    if (idempotencyKey != null) {
                        Optional<VersionRow> earlier = versions.findByIdempotencyKey(c, modelId, idempotencyKey);
                        if (earlier.isPresent()) {
                            requireSameContent(earlier.get(), idempotencyKey, sha, manifest);
                            return new Written(earlier.get().version(), false);
                        }
                    }
                    int next = versions.nextVersion(c, modelId);
                    long id = versions.insert(c, modelId, next, manifest, sha, size, now, idempotencyKey);
                    tags.insertAll(c, id, versionTags);
                    CheckpointPublished event = new CheckpointPublished(CheckpointPublished.SCHEMA_VERSION, UUID.randomUUID(),
                            now, model, next, manifest.runId(), manifest.method(), manifest.architecture().name(),
                            manifest.step(), manifest.samplesSeen(), sha, size);
                    outbox.add(c, Topics.CHECKPOINTS, model, Json.writeString(event), now);
                    return new Written(next, true);
                });
            } catch (Jdbc.ContendedException e) {
                throw new Refusal(Refusal.Kind.BUSY, "version-contention", "Too many concurrent versions",
                        "could not allocate a version number of " + model + ": " + e.getMessage() + "; retry");
            }
        });
        if (!written.created()) {
            metrics.versionReplayed(model);
            Log.infof("Idempotency key %s of %s already created version %d: answered with it, nothing created",
                    idempotencyKey, model, written.version());
            return new Creation(version(model, written.version()), false);
        }
        // committed, not yet answered: a crash here is what a retry with the same key recovers from
        Failpoints.hit(AFTER_VERSION_COMMIT);
        metrics.versionCreated(model);
        Log.infof("Created %s version %d (run %s, step %d, weights %s%s)", model, written.version(), manifest.runId(),
                manifest.step(), sha, idempotencyKey == null ? "" : ", idempotency key " + idempotencyKey);
        relay.poke();
        return new Creation(version(model, written.version()), true);
    }

    /** What the create transaction did: the version number it created, or found under the request's key. */
    private record Written(int version, boolean created) {
    }

    /** A request whose key made {@code earlier} must carry its weights and manifest. */
    private static void requireSameContent(VersionRow earlier, String key, String sha, CheckpointManifest manifest) {
        String differs;
        if (!earlier.weightsSha256().equals(sha)) {
            differs = "its weights are " + earlier.weightsSha256() + ", this request's " + sha;
        } else if (!earlier.manifest().equals(manifest)) {
            differs = "same weights, but this request's manifest differs from the version's (run " + earlier.runId()
                    + ", step " + earlier.step() + " there; run " + manifest.runId() + ", step " + manifest.step() + " here)";
        } else {
            return;
        }
        throw Refusal.unacceptable("idempotency-key-reused", "Idempotency key reused",
                "idempotency key '" + key + "' already created " + earlier.model() + " version " + earlier.version()
                        + " from other content: " + differs + ". A key names one request: retry with its original "
                        + "content, or use a new key for new content");
    }

    /** A version with its aliases, tags and evaluations (oldest first). */
    public ModelVersion version(String model, int version) {
        ModelNames.require(model);
        return jdbc.read("read " + model + " version " + version, c -> {
            VersionRow row = versions.find(c, model, version).orElseThrow(() -> versionNotFound(model, version));
            return toApi(c, List.of(row)).get(0);
        });
    }

    /** A page of the versions matching {@code search}, in its order, with the count of all matches. */
    public Page<ModelVersion> search(String model, VersionSearch search) {
        ModelNames.require(model);
        return jdbc.read("list versions of " + model, c -> {
            long total = versions.count(c, model, search);
            List<ModelVersion> items = toApi(c, versions.search(c, model, search));
            return new Page<>(items, search.offset(), search.limit(), total);
        });
    }

    public List<ModelSummary> models() {
        return jdbc.read("list models", versions::models);
    }

    /**
     * At start-up, the counters of every model and alias in the database at 0, so that the next version or move is an
     * increment a scrape can see. A model new to the registry gets its counters with its first version: nothing
     * announces a model before that (the trainer's own {@code ssl_trainer_checkpoints_published_total} counts it).
     */
    void registerMeters(@Observes StartupEvent event) {
        for (ModelSummary m : models()) {
            metrics.model(m.name());
            aliases(m.name()).keySet().stream().filter(a -> !Aliases.LATEST.equals(a)).forEach(metrics::alias);
        }
    }

    // ---- aliases

    /** The version an alias points to ({@code latest}: the newest); refused {@link Refusal.Kind#NOT_FOUND} if unset. */
    public ModelVersion alias(String model, String alias) {
        ModelNames.require(model);
        Aliases.require(alias);
        return jdbc.read("resolve alias " + alias + " of " + model, c -> {
            Optional<VersionRow> row;
            if (Aliases.LATEST.equals(alias)) {
                row = versions.newest(c, model);
            } else {
                Optional<Integer> target = aliases.find(c, model, alias);
                row = target.isPresent() ? find(c, model, target.get()) : Optional.empty();
            }
            return toApi(c, List.of(row.orElseThrow(() -> Refusal.notFound("alias-not-found", "Alias not set",
                    "model " + model + " has no alias " + alias)))).get(0);
        });
    }

    /** Every alias of a model with its version, {@code latest} included when the model has versions. */
    public Map<String, Integer> aliases(String model) {
        ModelNames.require(model);
        return jdbc.read("list aliases of " + model, c -> {
            Map<String, Integer> all = new LinkedHashMap<>();
            versions.newest(c, model).ifPresent(v -> all.put(Aliases.LATEST, v.version()));
            all.putAll(aliases.all(c, model));
            return all;
        });
    }

    /** Points {@code alias} at an existing version (moving it if it pointed elsewhere); returns that version. */
    public ModelVersion setAlias(String model, String alias, Integer version) {
        ModelNames.require(model);
        Aliases.requireSettable(alias);
        if (version == null || version < 1) {
            throw Refusal.invalid("invalid-alias-target", "Invalid alias target",
                    "the body must be {\"version\": n} with n >= 1, got: " + version);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Integer previous = jdbc.inTransactionRetrying("set alias " + alias + " of " + model, 3, c -> {
            VersionRow row = find(c, model, version).orElseThrow(() -> Refusal.unacceptable("version-not-found",
                    "Version not found", "cannot point alias " + alias + " at " + model + " version " + version
                            + ": there is no such version"));
            Integer before = aliases.find(c, model, alias).orElse(null);
            aliases.set(c, versions.modelId(c, model).orElseThrow(), alias, row.id(), now);
            return before;
        });
        if (!version.equals(previous)) {
            metrics.aliasMoved(alias);
            Log.infof("Alias %s of %s now points at version %d (was %s)", alias, model, version, previous);
        }
        return version(model, version);
    }

    /** Removes an alias; refused {@link Refusal.Kind#NOT_FOUND} if it was not set. */
    public void removeAlias(String model, String alias) {
        ModelNames.require(model);
        Aliases.requireSettable(alias);
        boolean removed = jdbc.inTransaction("remove alias " + alias + " of " + model, c -> {
            Optional<Long> modelId = versions.modelId(c, model);
            return modelId.isPresent() && aliases.remove(c, modelId.get(), alias);
        });
        if (!removed) {
            throw Refusal.notFound("alias-not-found", "Alias not set", "model " + model + " has no alias " + alias);
        }
        Log.infof("Alias %s of %s removed", alias, model);
    }

    // ---- tags

    /** Sets one tag of a version; returns the version. */
    public ModelVersion setTag(String model, int version, String key, String value) {
        ModelNames.require(model);
        Tags.requireValue(Tags.requireKey(key), value);
        jdbc.inTransactionRetrying("tag " + model + " version " + version, 3, c -> {
            VersionRow row = find(c, model, version).orElseThrow(() -> versionNotFound(model, version));
            Map<String, String> current = tags.forVersions(c, List.of(row.id())).getOrDefault(row.id(), Map.of());
            if (!current.containsKey(key) && current.size() >= Tags.MAX_TAGS) {
                throw Refusal.unacceptable("too-many-tags", "Too many tags",
                        model + " version " + version + " already carries " + Tags.MAX_TAGS + " tags");
            }
            tags.put(c, row.id(), key, value);
            return null;
        });
        return version(model, version);
    }

    /** Removes one tag of a version; refused {@link Refusal.Kind#NOT_FOUND} if the version or the tag is missing. */
    public void removeTag(String model, int version, String key) {
        ModelNames.require(model);
        Tags.requireKey(key);
        boolean removed = jdbc.inTransaction("untag " + model + " version " + version, c -> {
            VersionRow row = find(c, model, version).orElseThrow(() -> versionNotFound(model, version));
            return tags.remove(c, row.id(), key);
        });
        if (!removed) {
            throw Refusal.notFound("tag-not-found", "Tag not found",
                    model + " version " + version + " has no tag " + key);
        }
    }

    /** The API view of rows: their aliases, tags and evaluations read in one query each. */
    private List<ModelVersion> toApi(Connection c, List<VersionRow> rows) throws SQLException {
        List<Long> ids = rows.stream().map(VersionRow::id).toList();
        Map<Long, List<EvaluationCompleted>> evals = evaluations.forVersions(c, ids);
        Map<Long, Map<String, String>> tagsById = tags.forVersions(c, ids);
        Map<Long, List<String>> aliasesById = aliases.forVersions(c, ids);
        return rows.stream().map(r -> r.toApi(aliasesById.getOrDefault(r.id(), List.of()),
                tagsById.getOrDefault(r.id(), Map.of()), evals.getOrDefault(r.id(), List.of()))).toList();
    }

    private Optional<VersionRow> find(Connection c, String model, int version) throws SQLException {
        return versions.find(c, model, version);
    }

    // ---- evaluations

    /**
     * Stores an evaluation with its version, once per event id.
     *
     * @return true if stored now, false if this event id was stored before
     */
    public boolean addEvaluation(String model, int version, EvaluationCompleted evaluation) {
        ModelNames.require(model);
        if (evaluation == null) {
            throw Refusal.invalid("missing-body", "Missing request body",
                    "an EvaluationCompleted JSON body is required");
        }
        if (!model.equals(evaluation.modelName()) || version != evaluation.version()) {
            throw Refusal.unacceptable("evaluation-mismatch", "Evaluation of another version",
                    "the body is an evaluation of " + evaluation.modelName() + " version " + evaluation.version()
                            + ", posted to " + model + " version " + version);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // a concurrent post of the same event loses on the event id's unique key; its retry finds the winner's row
        return jdbc.inTransactionRetrying("store evaluation " + evaluation.eventId(), 3, c -> {
            VersionRow row = versions.find(c, model, version).orElseThrow(() -> versionNotFound(model, version));
            var stored = evaluations.findByEventId(c, evaluation.eventId());
            if (stored.isPresent()) {
                if (stored.get().versionId() != row.id()) {
                    throw new Refusal(Refusal.Kind.CONFLICT, "evaluation-event-reused", "Event id already used",
                            "event " + evaluation.eventId() + " is stored with another version");
                }
                return false;
            }
            if (evaluation.weightsSha256() != null && !evaluation.weightsSha256().equals(row.weightsSha256())) {
                throw Refusal.unacceptable("evaluation-mismatch", "Evaluation of other weights",
                        "the evaluation is of weights " + evaluation.weightsSha256() + " but " + model + " version "
                                + version + " has weights " + row.weightsSha256());
            }
            evaluations.insert(c, row.id(), evaluation, now);
            return true;
        });
    }

    // ---- validation

    private static CheckpointManifest validManifest(String model, CheckpointManifest manifest) {
        if (manifest == null) {
            throw Refusal.invalid("missing-manifest", "Missing manifest", "the request has no manifest");
        }
        if (!model.equals(manifest.modelName())) {
            throw Refusal.unacceptable("manifest-mismatch", "Manifest of another model",
                    "manifest.modelName is '" + manifest.modelName() + "' but the version is posted to model '" + model + "'");
        }
        requireLength("manifest.runId", manifest.runId(), 256);
        requireLength("manifest.method", manifest.method(), 64);
        requireLength("manifest.architecture.name", manifest.architecture().name(), 128);
        if (manifest.step() < 0 || manifest.samplesSeen() < 0) {
            throw Refusal.invalid("invalid-manifest", "Invalid manifest",
                    "step and samplesSeen must be >= 0, got " + manifest.step() + " and " + manifest.samplesSeen());
        }
        return manifest;
    }

    private static void requireLength(String field, String value, int max) {
        if (value.isBlank() || value.length() > max) {
            throw Refusal.invalid("invalid-manifest", "Invalid manifest",
                    field + " must have 1 to " + max + " non-blank characters, got " + value.length());
        }
    }

    private static Refusal invalidIdempotencyKey(String detail) {
        return Refusal.invalid("invalid-idempotency-key", "Invalid idempotency key", detail);
    }

    private static Refusal invalidDigest(String sha256) {
        return Refusal.invalid("invalid-digest", "Invalid SHA-256 digest",
                "sha256 must be 64 lower-case hex characters, got: " + sha256);
    }

    private static Refusal tooLarge(String detail) {
        return new Refusal(Refusal.Kind.TOO_LARGE, BlobRejectedException.TOO_LARGE, "Upload too large", detail);
    }

    private static Refusal versionNotFound(String model, int version) {
        return Refusal.notFound("version-not-found", "Version not found",
                "model " + model + " has no version " + version);
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the size of " + file, e);
        }
    }
}
