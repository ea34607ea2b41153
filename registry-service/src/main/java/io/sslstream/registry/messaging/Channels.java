package io.sslstream.registry.messaging;

/** Reactive Messaging channel names; {@code application.properties} maps them to topics. */
public final class Channels {

    /** Outgoing: {@code CheckpointPublished} JSON to {@code ssl.checkpoints}, key = model name. */
    public static final String CHECKPOINTS_OUT = "checkpoints-out";

    private Channels() {
    }
}
