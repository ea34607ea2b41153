package io.sslstream.augmenter.messaging;

/** Reactive Messaging channel names of the augmenter (topics are set in {@code application.properties}). */
public final class Channels {

    /** In: binary {@code RawSample}s from {@code ssl.samples.raw}. */
    public static final String SAMPLES_RAW = "samples-raw";

    /**
     * Out: every record the augmenter writes; each message names its topic ({@code ssl.views.<recipe>} or
     * {@code ssl.samples.dlq}), the channel's own topic ({@code ssl.views.simclr}) is only the default.
     */
    public static final String VIEWS_OUT = "views-out";

    /** Out: samples posted to {@code /api/v1/samples}, as binary {@code RawSample}s to {@code ssl.samples.raw}. */
    public static final String SAMPLES_IN = "samples-in";

    private Channels() {
    }
}
