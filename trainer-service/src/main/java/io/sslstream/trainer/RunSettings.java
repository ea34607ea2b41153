package io.sslstream.trainer;

import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.model.encoder.Encoders;
import io.smallrye.config.SmallRyeConfig;
import io.sslstream.trainer.config.TrainerConfig;
import io.sslstream.trainer.method.MethodConfig;
import io.sslstream.trainer.method.MethodDefinition;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.method.Methods;
import io.sslstream.trainer.optim.OptimizerSettings;
import io.sslstream.trainer.optim.Schedule;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The effective settings of a run, resolved once from the configuration (method defaults filled in, everything
 * validated): what the learner builds, what the consumer accepts, and what a checkpoint's manifest records.
 *
 * @param modelName registry model
 * @param runId     run id
 * @param recipe    recipe whose topic is consumed
 * @param encoder   encoder configuration name ({@code small-cnn}, {@code resnet18}, {@code vit-tiny})
 * @param learner   method, optimizer, batch size, seed
 * @param maxSteps  last step of the run (0 = none)
 */
public record RunSettings(String modelName, String runId, String recipe, String encoder, Learner.Settings learner, long maxSteps) {

    /**
     * Hyperparameters that shape the state a checkpoint holds: a resumed run must have the same values (with the
     * method, architecture and input), or the checkpoint is refused. Every other hyperparameter may change between
     * restarts (learning rate, schedule, batch size, recipe...), with a warning. The method's own come from its
     * {@link MethodDefinition#stateShaping()}.
     */
    public static final Set<String> STATE_SHAPING = stateShaping();

    private static Set<String> stateShaping() {
        Set<String> keys = new TreeSet<>(List.of("method", "encoder", "optimizer"));
        Methods.ALL.forEach(d -> keys.addAll(d.stateShaping()));
        return Set.copyOf(keys);
    }

    /**
     * Resolves and validates the configuration; any inconsistency is an {@link IllegalArgumentException}.
     *
     * @param c      the trainer's configuration
     * @param config the configuration it was mapped from, where the method's own mapping is ({@code ssl.trainer.<method>.*})
     */
    public static RunSettings from(TrainerConfig c, SmallRyeConfig config) {
        MethodDefinition method = Methods.named(c.method());
        String encoder = c.encoder().orElse(method.defaultEncoder());
        Architecture arch = Encoders.named(encoder);
        if (c.encoderWidths().isPresent()) {
            if (!Encoders.SMALL_CNN.equals(encoder)) {
                throw new IllegalArgumentException("ssl.trainer.encoder-widths applies to the small-cnn encoder, not " + encoder);
            }
            arch = Encoders.smallCnn(c.encoderWidths().get());
        }
        TrainerConfig.Input in = c.input();
        InputSpec input = new InputSpec(in.channels(), in.height(), in.width(), in.mean(), in.std());
        TrainerConfig.Optim o = c.optim();
        long total = o.schedule().totalSteps() > 0 ? o.schedule().totalSteps() : c.maxSteps();
        MethodConfig methodConfig = new MethodConfig(o.projection(), o.predictor(), o.temperature(), config);
        MethodSettings ms = method.settings(arch, input, methodConfig).withTotalSteps(total);
        Schedule schedule = new Schedule(o.learningRate(), o.schedule().warmupSteps(), total, o.schedule().finalFraction());
        OptimizerSettings opt = new OptimizerSettings(o.name(), schedule, o.weightDecay(), o.momentum(), o.nesterov(),
                o.trustCoefficient(), o.beta1(), o.beta2());
        Topics.views(c.recipe()); // validates the name
        if (c.checkpoint().everySteps() < 1 || c.logEverySteps() < 1) {
            throw new IllegalArgumentException("checkpoint.every-steps and log-every-steps must be >= 1");
        }
        if (c.checkpoint().interval().isNegative()) {
            throw new IllegalArgumentException("checkpoint.interval must be 0 (by steps only) or positive, got "
                    + c.checkpoint().interval());
        }
        return new RunSettings(c.modelName(), c.runId(), c.recipe(), encoder, new Learner.Settings(ms, opt, c.batchSize(), c.seed()),
                c.maxSteps());
    }

    public MethodSettings method() {
        return learner.method();
    }

    /** The hyperparameters recorded in every checkpoint manifest (their hash is the manifest's config hash). */
    public Map<String, Object> hyperparameters() {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("method", method().method());
        hp.put("encoder", encoder);
        if (!method().architecture().equals(Encoders.named(encoder))) { // only when set: older config hashes stay as they were
            hp.put("encoder_widths", method().architecture().params().get("widths"));
        }
        hp.put("recipe", recipe);
        hp.put("batch_size", learner.batchSize());
        hp.putAll(learner.optimizer().describe());
        hp.putAll(method().describe());
        return hp;
    }

    /** SHA-256 of the hyperparameters, sorted by key. */
    public String configHash() {
        return Sha256.of(new TreeMap<>(hyperparameters()).toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Why a checkpoint cannot be resumed by this run, or an empty list if it can: another method, architecture or
     * input, or another value of a {@link #STATE_SHAPING} hyperparameter.
     */
    public List<String> incompatibilities(CheckpointManifest m) {
        List<String> why = new ArrayList<>();
        if (!method().method().equals(m.method())) {
            why.add("method " + m.method() + " (this run: " + method().method() + ")");
        }
        if (!method().architecture().equals(m.architecture())) {
            why.add("architecture " + m.architecture() + " (this run: " + method().architecture() + ")");
        }
        if (!method().input().equals(m.input())) {
            why.add("input " + m.input() + " (this run: " + method().input() + ")");
        }
        Map<String, Object> mine = hyperparameters();
        for (String key : STATE_SHAPING) {
            Object theirs = m.hyperparameters().get(key);
            if (mine.containsKey(key) && theirs != null && !String.valueOf(theirs).equals(String.valueOf(mine.get(key)))) {
                why.add(key + " " + theirs + " (this run: " + mine.get(key) + ")");
            }
        }
        return why;
    }

    /** Hyperparameters whose value differs from the checkpoint's (allowed, reported). */
    public List<String> changes(CheckpointManifest m) {
        List<String> out = new ArrayList<>();
        hyperparameters().forEach((k, v) -> {
            Object theirs = m.hyperparameters().get(k);
            if (theirs != null && !String.valueOf(theirs).equals(String.valueOf(v))) {
                out.add(k + ": " + theirs + " -> " + v);
            }
        });
        return out;
    }

    /** What a view set must hold for this method: enough views of the input shape, and MAE's mask on its patch grid. */
    public Requirements requirements() {
        MethodSettings m = method();
        if (!m.needsMask()) {
            return new Requirements(m.views(), 0, 0, 0);
        }
        int patch = ((Number) m.architecture().params().get("patch")).intValue();
        return new Requirements(m.views(), patch, m.input().height() / patch, m.input().width() / patch);
    }

    /**
     * @param views     views used per sample (more may come; the first ones are used)
     * @param maskPatch patch side of the mask the method needs (0 = no mask)
     * @param maskRows  mask grid rows
     * @param maskCols  mask grid columns
     */
    public record Requirements(int views, int maskPatch, int maskRows, int maskCols) {
    }
}
