package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.CodecException;
import io.sslstream.contracts.codec.RawSample;

import java.util.ArrayList;
import java.util.List;

/**
 * The augmenter's whole job on one record, free of Kafka: raw sample bytes in, one encoded view set per
 * recipe out, or a {@link RejectedSampleException} saying why not.
 *
 * <p>Thread-safe and deterministic: the same bytes, recipes and base seed always give the same outputs.
 */
public final class Augmenter {

    private final SampleDecoder decoder;
    private final List<Recipe> recipes;
    private final List<String> topics;
    private final long baseSeed;

    public Augmenter(SampleDecoder decoder, List<Recipe> recipes, long baseSeed) {
        if (recipes.isEmpty()) {
            throw new IllegalArgumentException("an augmenter needs at least one recipe");
        }
        this.decoder = decoder;
        this.recipes = List.copyOf(recipes);
        this.topics = this.recipes.stream().map(r -> Topics.views(r.name())).toList();
        this.baseSeed = baseSeed;
    }

    public List<Recipe> recipes() {
        return recipes;
    }

    public long baseSeed() {
        return baseSeed;
    }

    /** Decodes {@code value} (a binary {@link RawSample}, possibly {@code null}) and applies every recipe. */
    public AugmentedSample augment(byte[] value) throws RejectedSampleException {
        RawSample raw;
        try {
            raw = RawSample.decode(value);
        } catch (CodecException e) {
            throw new RejectedSampleException("decode." + e.reason(), RejectedSampleException.STAGE_DECODE, e.getMessage(), e);
        }
        Image image = decoder.decode(raw);
        long seed = Seeds.forSample(baseSeed, raw.sampleId());
        List<AugmentedSample.Output> outputs = new ArrayList<>(recipes.size());
        for (int i = 0; i < recipes.size(); i++) {
            Recipe recipe = recipes.get(i);
            byte[] viewSet = recipe.apply(raw.sampleId(), image, seed).encode();
            outputs.add(new AugmentedSample.Output(recipe.name(), topics.get(i), viewSet));
        }
        return new AugmentedSample(raw.sampleId(), seed, outputs);
    }
}
