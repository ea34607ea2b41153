package io.sslstream.augmenter.messaging;

/**
 * Reactive Messaging channel names of the augmenter (topics are set in {@code application.properties}). The stream itself
 * ({@code ssl.samples.raw} in, view sets and dead letters out) runs on plain Kafka clients, see {@link SampleStream}.
 */
public final class Channels {

    /** Out: samples posted to {@code /api/v1/samples}, as binary {@code RawSample}s to {@code ssl.samples.raw}. */
    public static final String SAMPLES_IN = "samples-in";

    private Channels() {
    }
}
