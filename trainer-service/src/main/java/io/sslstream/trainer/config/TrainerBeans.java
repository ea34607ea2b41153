package io.sslstream.trainer.config;

import io.quarkus.logging.Log;
import io.smallrye.config.SmallRyeConfig;
import io.sslstream.trainer.RunSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** Resolves the run's effective settings once; an inconsistent configuration fails the start-up with the reason. */
@ApplicationScoped
public class TrainerBeans {

    @Produces
    @Singleton
    RunSettings runSettings(TrainerConfig trainer, Config config) {
        RunSettings s = RunSettings.from(trainer, config.unwrap(SmallRyeConfig.class));
        Log.infof("run %s: %s on %s %s, recipe %s, batch %d, %s", s.runId(), s.method().method(), s.encoder(), s.method().architecture().params(), s.recipe(),
                s.learner().batchSize(), s.hyperparameters());
        return s;
    }
}
