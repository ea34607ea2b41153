package io.sslstream.bench.chaos;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The faults the chaos suite injects. Those with a {@link #failpoint} are aimed: the target service is started with
 * that failpoint configured ({@code ssl.failpoints}), so it pauses at that point every time it gets there, and the
 * suite kills it with SIGKILL when its log says it reached it. The others strike whenever their turn comes.
 */
public enum Fault {

    /** SIGKILL the trainer after the registry created a version and before the trainer deleted the spool file. */
    TRAINER_AFTER_VERSION("trainer", "trainer.after-version-created", true),
    /** SIGKILL the trainer at whatever it is doing (before its first checkpoint, the first time). */
    TRAINER_ANYTIME("trainer", null, true),
    /** SIGKILL the registry after it committed a version and before it answered. */
    REGISTRY_AFTER_COMMIT("registry", "registry.after-version-commit", true),
    /** SIGKILL the registry half-way through receiving a blob. */
    REGISTRY_DURING_UPLOAD("registry", "registry.during-blob-upload", true),
    /** SIGKILL the evaluator half-way through extracting features. */
    EVAL_DURING_FEATURES("eval", "eval.during-features", true),
    /** SIGKILL the augmenter at whatever it is doing. */
    AUGMENTER_ANYTIME("augmenter", null, true),
    /** SIGTERM the broker (a clean shutdown, as on a rolling restart). */
    BROKER_TERM("kafka", null, false),
    /** SIGKILL the broker. */
    BROKER_KILL("kafka", null, true);

    /** The process: {@code kafka} or a service name. */
    public final String target;
    /** The failpoint the target pauses at, or null. */
    public final String failpoint;
    /** SIGKILL (else SIGTERM). */
    public final boolean kill;

    Fault(String target, String failpoint, boolean kill) {
        this.target = target;
        this.failpoint = failpoint;
        this.kill = kill;
    }

    /** {@code trainer-after-version} */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Fault parse(String id) {
        return Arrays.stream(values()).filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fault '" + id + "'; known: "
                        + Arrays.stream(values()).map(Fault::id).toList()));
    }

    public static List<Fault> all() {
        return List.of(values());
    }
}
