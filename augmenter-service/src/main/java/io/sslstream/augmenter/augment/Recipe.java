package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.ViewSet;

/**
 * A named, versioned way of turning one image into a training sample.
 *
 * <p>Contract: {@link #apply} is a pure function of (image, seed) for a given name and version, and draws
 * every random choice from {@code java.util.SplittableRandom(seed)}. Any change that alters the output for
 * some input needs a new version.
 */
public interface Recipe {

    /** Recipe name, also the suffix of its topic {@code ssl.views.<name>}. */
    String name();

    /** Version written into every {@link ViewSet}. */
    int version();

    /** The training sample of one image. */
    ViewSet apply(String sampleId, Image image, long seed);

    /**
     * The training sample of one frame of 16-bit medical pixels. A recipe that does not window by itself sees the frame
     * through its own window ({@link Windowing#base}: the DICOM window, else the frame's range), always the same.
     */
    default ViewSet apply(String sampleId, Pixels16 frame, long seed) {
        return apply(sampleId, Windowing.apply(frame, Windowing.base(frame)), seed);
    }

    /**
     * The size in bytes of the encoded {@link ViewSet} of an image of this shape, known before any work: a sample
     * whose output would not fit in a Kafka record is rejected without augmenting it.
     */
    long encodedSize(String sampleId, int height, int width, int channels);
}
