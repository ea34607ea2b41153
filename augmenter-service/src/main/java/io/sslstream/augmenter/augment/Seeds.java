package io.sslstream.augmenter.augment;

import java.nio.charset.StandardCharsets;

/**
 * The seed of a sample's augmentations: a 64-bit hash of its id mixed with a configured base seed.
 *
 * <p>{@code seed = mix(fnv1a64(utf8(sampleId)) ^ mix(baseSeed))}, {@code mix} being SplitMix64's finalizer.
 * Part of the reproducibility contract: changing it changes every view, so it is pinned by a test.
 */
public final class Seeds {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Seeds() {
    }

    public static long forSample(long baseSeed, String sampleId) {
        long h = FNV_OFFSET;
        for (byte b : sampleId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        return mix(h ^ mix(baseSeed));
    }

    /** SplitMix64's output function: a bijection that spreads every input bit over the whole word. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
