package io.sslstream.augmenter.config;

import io.quarkus.logging.Log;
import io.sslstream.augmenter.Augmenter;
import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.augmenter.augment.SimclrRecipe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/** Builds the framework-free {@link Augmenter} from configuration; invalid settings fail the start-up. */
@ApplicationScoped
public class AugmenterBeans {

    @Produces
    @Singleton
    Augmenter augmenter(AugmenterConfig config) {
        AugmenterConfig.Simclr c = config.simclr();
        SimclrRecipe simclr = new SimclrRecipe(new SimclrRecipe.Settings(c.version(), c.outputSize().orElse(0),
                c.scaleMin(), c.scaleMax(), c.ratioMin(), c.ratioMax(), c.flipProbability(), c.jitterStrength(),
                c.jitterProbability()));
        Log.infof("Augmenter: recipe %s v%d %s, base seed %d, max %d pixels", simclr.name(), simclr.version(),
                simclr.settings(), config.baseSeed(), config.maxPixels());
        return new Augmenter(new SampleDecoder(config.maxPixels()), List.of(simclr), config.baseSeed());
    }
}
