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

    /** DLQ reason of a sample whose view set of some recipe would exceed the output limit. */
    public static final String OUTPUT_TOO_LARGE = "augment.output-too-large";
    /** The default output limit: view sets must fit Kafka's default 1 MiB record limit. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;

    private final SampleDecoder decoder;
    private final List<Recipe> recipes;
    private final List<String> topics;
    private final long baseSeed;
    private final long maxOutputBytes;

    public Augmenter(SampleDecoder decoder, List<? extends Recipe> recipes, long baseSeed) {
        this(decoder, recipes, baseSeed, DEFAULT_MAX_OUTPUT_BYTES);
    }

    /**
     * @param maxOutputBytes largest encoded view set; a sample that would make a larger one is rejected before
     *                       any augmentation work
     */
    public Augmenter(SampleDecoder decoder, List<? extends Recipe> recipes, long baseSeed, long maxOutputBytes) {
        if (recipes.isEmpty()) {
            throw new IllegalArgumentException("an augmenter needs at least one recipe");
        }
        if (recipes.stream().map(Recipe::name).distinct().count() != recipes.size()) {
            throw new IllegalArgumentException("recipe names must be distinct, got " + recipes.stream().map(Recipe::name).toList());
        }
        if (maxOutputBytes <= 0) {
            throw new IllegalArgumentException("max output bytes must be positive, got " + maxOutputBytes);
        }
        this.decoder = decoder;
        this.recipes = List.copyOf(recipes);
        this.topics = this.recipes.stream().map(r -> Topics.views(r.name())).toList();
        this.baseSeed = baseSeed;
        this.maxOutputBytes = maxOutputBytes;
    }

    public List<Recipe> recipes() {
        return recipes;
    }

    public long baseSeed() {
        return baseSeed;
    }

    public SampleDecoder decoder() {
        return decoder;
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
        for (Recipe recipe : recipes) {
            long size = recipe.encodedSize(raw.sampleId(), image.height(), image.width(), image.channels());
            if (size > maxOutputBytes) {
                throw new RejectedSampleException(OUTPUT_TOO_LARGE, RejectedSampleException.STAGE_AUGMENT, "the "
                        + recipe.name() + " view set of a " + image.height() + "x" + image.width() + "x" + image.channels()
                        + " image would take " + size + " bytes; the limit is " + maxOutputBytes
                        + " (set the recipe's output size, or raise ssl.augmenter.max-output-bytes with the topic's limit)");
            }
        }
        long seed = Seeds.forSample(baseSeed, raw.sampleId());
        List<AugmentedSample.Output> outputs = new ArrayList<>(recipes.size());
        for (int i = 0; i < recipes.size(); i++) {
            Recipe recipe = recipes.get(i);
            byte[] viewSet = recipe.apply(raw.sampleId(), image, seed).encode();
            outputs.add(new AugmentedSample.Output(recipe.name(), topics.get(i), viewSet));
        }
        return new AugmentedSample(raw.sampleId(), raw.dataset(), seed, outputs);
    }
}
