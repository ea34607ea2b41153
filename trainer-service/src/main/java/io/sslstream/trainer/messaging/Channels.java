package io.sslstream.trainer.messaging;

/** The trainer's messaging channels, as {@code mp.messaging.*.<channel>.*} in application.properties names them. */
public final class Channels {

    /** Incoming view sets, in batches, from {@code ssl.views.<recipe>}. */
    public static final String VIEWS = "views";
    /** Outgoing records the trainer cannot train on, to {@code ssl.samples.dlq}. */
    public static final String VIEWS_DLQ = "views-dlq";

    private Channels() {
    }
}
