package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.contracts.SampleIds;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.CodecException;
import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.RawSample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The augmenter's whole job on one record, free of Kafka: raw sample bytes in, one encoded view set per
 * recipe out, or a {@link RejectedSampleException} saying why not.
 *
 * <p>What costs little is checked before what costs much: the record (its codec, its sample id and dataset, its key),
 * then an encoded image's header (pixel limit, and whether its view sets could fit a record at all), then the PNG's
 * CRCs, and only then are pixels decoded and augmented, within the sample's {@link CpuBudget}.
 *
 * <p>Thread-safe and deterministic: the same bytes, recipes and base seed always give the same outputs (except that a
 * sample near its CPU time limit may be refused on one machine and not on another).
 */
public final class Augmenter {

    /** DLQ reason of a sample whose view set of some recipe would exceed the output limit. */
    public static final String OUTPUT_TOO_LARGE = "augment.output-too-large";
    /** The default output limit: view sets must fit Kafka's default 1 MiB record limit. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;
    /** DLQ reason of a record whose Kafka key is not its sample id. */
    public static final String KEY_MISMATCH = "decode.key-mismatch";

    private final SampleDecoder decoder;
    private final List<Recipe> recipes;
    private final List<String> topics;
    private final long baseSeed;
    private final long maxOutputBytes;
    private final Duration maxCpuTime;
    private final CpuBudget.Clock clock;

    /** An augmenter with the default output limit and no CPU time limit. */
    public Augmenter(SampleDecoder decoder, List<? extends Recipe> recipes, long baseSeed) {
        this(decoder, recipes, baseSeed, DEFAULT_MAX_OUTPUT_BYTES);
    }

    /** An augmenter without a CPU time limit. */
    public Augmenter(SampleDecoder decoder, List<? extends Recipe> recipes, long baseSeed, long maxOutputBytes) {
        this(decoder, recipes, baseSeed, maxOutputBytes, null, CpuBudget.SYSTEM);
    }

    /**
     * @param maxOutputBytes largest encoded view set; a sample that would make a larger one is rejected before
     *                       any augmentation work (from the image header when it can be told from there)
     * @param maxCpuTime     CPU time one sample may take on its worker thread, decoding included; null for no limit
     * @param clock          the clocks the CPU time is read from ({@link CpuBudget#SYSTEM} but in tests)
     */
    public Augmenter(SampleDecoder decoder, List<? extends Recipe> recipes, long baseSeed, long maxOutputBytes,
                     Duration maxCpuTime, CpuBudget.Clock clock) {
        if (recipes.isEmpty()) {
            throw new IllegalArgumentException("an augmenter needs at least one recipe");
        }
        if (recipes.stream().map(Recipe::name).distinct().count() != recipes.size()) {
            throw new IllegalArgumentException("recipe names must be distinct, got " + recipes.stream().map(Recipe::name).toList());
        }
        if (maxOutputBytes <= 0) {
            throw new IllegalArgumentException("max output bytes must be positive, got " + maxOutputBytes);
        }
        if (maxCpuTime != null && (maxCpuTime.isNegative() || maxCpuTime.isZero())) {
            throw new IllegalArgumentException("the CPU time limit of a sample must be positive, got " + maxCpuTime);
        }
        this.decoder = decoder;
        this.recipes = List.copyOf(recipes);
        this.topics = this.recipes.stream().map(r -> Topics.views(r.name())).toList();
        this.baseSeed = baseSeed;
        this.maxOutputBytes = maxOutputBytes;
        this.maxCpuTime = maxCpuTime;
        this.clock = clock;
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

    /** The CPU time one sample may take, if limited. */
    public Optional<Duration> maxCpuTime() {
        return Optional.ofNullable(maxCpuTime);
    }

    /** Decodes {@code value} (a binary {@link RawSample}, possibly {@code null}) and applies every recipe. */
    public AugmentedSample augment(byte[] value) throws RejectedSampleException {
        return augment(null, value);
    }

    /**
     * Decodes {@code value} (a binary {@link RawSample}, possibly {@code null}), checks that {@code key} is its sample
     * id, and applies every recipe.
     *
     * @param key the record's Kafka key; {@code null} (a producer that does not key) is accepted: the outputs are keyed
     *            by the sample id anyway
     */
    public AugmentedSample augment(String key, byte[] value) throws RejectedSampleException {
        CpuBudget budget = maxCpuTime == null ? CpuBudget.unlimited() : CpuBudget.start(maxCpuTime, clock);
        RawSample raw;
        try {
            raw = RawSample.decode(value);
        } catch (CodecException e) {
            throw new RejectedSampleException("decode." + e.reason(), RejectedSampleException.STAGE_DECODE, e.getMessage(), e);
        }
        if (key != null && !key.equals(raw.sampleId())) {
            throw new RejectedSampleException(KEY_MISMATCH, RejectedSampleException.STAGE_DECODE, "the record key "
                    + SampleIds.quote(key) + " is not the sample id " + SampleIds.quote(raw.sampleId())
                    + "; producers key raw samples by their sample id");
        }
        Image image = null;
        Pixels16 frame = null;
        if (RawSample.PIXELS_16.equals(raw.contentType())) {
            // 16-bit medical pixels: each recipe windows them into its 8-bit views (Recipe#apply(String, Pixels16, long))
            frame = decoder.decodeFrame(raw);
            checkOutput(raw.sampleId(), frame.height(), frame.width(), 1, false);
        } else {
            // at one channel, the fewest an image decodes to: an image whose view sets cannot fit even then is refused
            // from its header, before its pixels are decompressed
            image = decoder.decode(raw, (height, width) -> checkOutput(raw.sampleId(), height, width, 1, true), budget);
            budget.check(RejectedSampleException.STAGE_DECODE, "after decoding a " + image.height() + "x" + image.width()
                    + "x" + image.channels() + " image");
            checkOutput(raw.sampleId(), image.height(), image.width(), image.channels(), false);
        }
        long seed = Seeds.forSample(baseSeed, raw.sampleId());
        List<AugmentedSample.Output> outputs = new ArrayList<>(recipes.size());
        for (int i = 0; i < recipes.size(); i++) {
            Recipe recipe = recipes.get(i);
            if (i > 0) {
                budget.check(RejectedSampleException.STAGE_AUGMENT, "before the " + recipe.name() + " recipe");
            }
            byte[] viewSet = (frame != null ? recipe.apply(raw.sampleId(), frame, seed) : recipe.apply(raw.sampleId(), image, seed)).encode();
            outputs.add(new AugmentedSample.Output(recipe.name(), topics.get(i), viewSet));
        }
        return new AugmentedSample(raw.sampleId(), raw.dataset(), seed, outputs);
    }

    /** Refuses an image whose view set of some recipe would not fit the output limit. */
    private void checkOutput(String sampleId, int height, int width, int channels, boolean fromHeader)
            throws RejectedSampleException {
        for (Recipe recipe : recipes) {
            long size = recipe.encodedSize(sampleId, height, width, channels);
            if (size > maxOutputBytes) {
                String shape = fromHeader ? height + "x" + width + " image (from its header, before decoding; at least "
                        : height + "x" + width + "x" + channels + " image (";
                throw new RejectedSampleException(OUTPUT_TOO_LARGE, RejectedSampleException.STAGE_AUGMENT, "the "
                        + recipe.name() + " view set of a " + shape + size + " bytes at " + channels
                        + (channels == 1 ? " channel" : " channels") + ") would exceed the limit of " + maxOutputBytes
                        + " bytes (set the recipe's output size, or raise ssl.augmenter.max-output-bytes with the topic's limit)");
            }
        }
    }
}
