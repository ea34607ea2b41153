package io.sslstream.augmenter.config;

import io.quarkus.logging.Log;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.CpuBudget;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.augment.MultiViewRecipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** Builds the framework-free {@link Augmenter} from configuration; invalid settings fail the start-up. */
@ApplicationScoped
public class AugmenterBeans {

    @Produces
    @Singleton
    SampleDecoder decoder(AugmenterConfig config) {
        return new SampleDecoder(config.maxPixels());
    }

    @Produces
    @Singleton
    Augmenter augmenter(AugmenterConfig config, SampleDecoder decoder) {
        List<MultiViewRecipe> recipes = RecipeFactory.active(config.active(), config.recipes());
        for (MultiViewRecipe r : recipes) {
            Log.infof("Augmenter: recipe %s v%d, %d views%s%s: %s", r.name(), r.version(), r.views().size(),
                    r.mask() == null ? "" : " and a patch mask " + r.mask(),
                    r.windowing() == null ? "" : ", each through a window " + r.windowing(), r.views());
        }
        Log.infof("Augmenter: base seed %d, max %d pixels in, max %d bytes per view set out, max %d ms of CPU time per sample",
                config.baseSeed(), config.maxPixels(), config.maxOutputBytes(), config.maxSampleCpuTime().toMillis());
        return new Augmenter(decoder, List.copyOf(recipes), config.baseSeed(), config.maxOutputBytes(),
                config.maxSampleCpuTime(), CpuBudget.SYSTEM);
    }
}
