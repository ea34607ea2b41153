package io.sslstream.trainer;

import io.sslstream.model.Engines;
import io.sslstream.trainer.checkpoint.ResumeService;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;

/**
 * Tries a checkpoint before the run resumes from it: restores it into a learner of the run's own configuration (every
 * network with its running statistics, the method state, the optimizer state) and looks for a NaN or an infinity in
 * any of it. The learner is a scratch one, closed after the check; the training loop restores the chosen checkpoint
 * into its own.
 */
@ApplicationScoped
public class RestoreCheck implements ResumeService.Check {

    private final RunSettings settings;
    private final TrainerConfig config;

    public RestoreCheck(RunSettings settings, TrainerConfig config) {
        this.settings = settings;
        this.config = config;
    }

    @Override
    public String problem(ResumeService.Checkpoint checkpoint) {
        try (Learner learner = new Learner(settings.learner(), Engines.device(config.device()))) {
            learner.restore(checkpoint.archive(), checkpoint.manifest().step());
            String bad = learner.firstNonFinite();
            return bad == null ? null : "not finite: " + bad + " holds a NaN or an infinity";
        } catch (IOException | RuntimeException e) {
            return "cannot be restored: " + e.getMessage();
        }
    }
}
