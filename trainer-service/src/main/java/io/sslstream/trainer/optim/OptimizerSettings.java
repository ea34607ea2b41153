package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which optimizer, with what hyperparameters and learning-rate schedule.
 *
 * @param name        {@code adamw}, {@code sgd} or {@code lars}
 * @param schedule    learning rate by step
 * @param weightDecay decay of weights (never of biases and norms)
 * @param momentum    SGD and LARS momentum
 * @param nesterov    Nesterov momentum (SGD)
 * @param trust       LARS trust coefficient (eta)
 * @param beta1       AdamW's first-moment decay
 * @param beta2       AdamW's second-moment decay
 */
public record OptimizerSettings(String name, Schedule schedule, double weightDecay, double momentum, boolean nesterov,
                                double trust, double beta1, double beta2) {

    public OptimizerSettings {
        if (!java.util.List.of(AdamW.NAME, Sgd.NAME, Lars.NAME).contains(name)) {
            throw new IllegalArgumentException("optimizer must be adamw, sgd or lars, got '" + name + "'");
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }

    /** AdamW with a constant learning rate and no decay: the trainer's default. */
    public static OptimizerSettings adamw(double lr, double weightDecay) {
        return new OptimizerSettings(AdamW.NAME, Schedule.constant(lr), weightDecay, 0.9, false, 0.02, 0.9, 0.999);
    }

    public Optimizer create(PairList<String, Parameter> params, NDManager manager) {
        return switch (name) {
            case AdamW.NAME -> new AdamW(params, beta1, beta2, 1e-8, weightDecay, manager);
            case Sgd.NAME -> new Sgd(params, momentum, nesterov, weightDecay, manager);
            case Lars.NAME -> new Lars(params, momentum, weightDecay, trust, manager);
            default -> throw new IllegalStateException(name);
        };
    }

    /** For the checkpoint manifest's hyperparameters. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name);
        m.put("learning_rate", schedule.base());
        m.put("weight_decay", weightDecay);
        m.put("warmup_steps", schedule.warmupSteps());
        m.put("schedule_steps", schedule.totalSteps());
        m.put("final_lr_fraction", schedule.finalFraction());
        switch (name) {
            case AdamW.NAME -> {
                m.put("beta1", beta1);
                m.put("beta2", beta2);
            }
            case Sgd.NAME -> {
                m.put("momentum", momentum);
                m.put("nesterov", nesterov);
            }
            default -> {
                m.put("momentum", momentum);
                m.put("trust_coefficient", trust);
            }
        }
        return m;
    }
}
