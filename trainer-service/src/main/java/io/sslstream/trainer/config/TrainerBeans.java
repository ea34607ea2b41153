package io.sslstream.trainer.config;

import io.quarkus.logging.Log;
import io.sslstream.trainer.RunSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Resolves the run's effective settings once; an inconsistent configuration fails the start-up with the reason. */
@ApplicationScoped
public class TrainerBeans {

    @Produces
    @Singleton
    RunSettings runSettings(TrainerConfig config) {
        RunSettings s = RunSettings.from(config);
        Log.infof("run %s: %s on %s, recipe %s, batch %d, %s", s.runId(), s.method().method(), s.encoder(), s.recipe(),
                s.learner().batchSize(), s.hyperparameters());
        return s;
    }
}
