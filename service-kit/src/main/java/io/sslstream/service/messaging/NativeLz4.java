package io.sslstream.service.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import net.jpountz.lz4.LZ4Factory;
import org.jboss.logging.Logger;

/**
 * Makes the Kafka clients compress and decompress lz4 with lz4-java's JNI library instead of its Java code.
 *
 * <p>Kafka's lz4 streams take {@code LZ4Factory.fastestInstance()}, which picks the native library only if it is
 * loaded already or if lz4-java was loaded by the system class loader. In a Quarkus application it never is (the
 * runner has its own class loader), so every record batch went through the Java implementation: in
 * {@code ./bench augmenter} that was 69-77% of the augmenter's Java CPU on 96x96 RGB views. Loading the library
 * once, before any client starts, makes {@code fastestInstance()} return the native one from then on.
 *
 * <p>The library ships inside the lz4-java jar for the usual platforms and is unpacked to {@code java.io.tmpdir};
 * where that fails (no such platform, a read-only temporary directory) the clients keep the Java implementation,
 * which is slower but produces the same bytes, and the reason is logged once.
 */
@ApplicationScoped
public class NativeLz4 {

    private static final Logger LOG = Logger.getLogger(NativeLz4.class);

    /** Before Reactive Messaging and our own Kafka clients start (they observe the same event later). */
    void load(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        String failure = load();
        if (failure == null) {
            LOG.infof("Kafka lz4: %s, the native library", kafkaCompressor());
        } else {
            LOG.warnf("Kafka lz4: %s, the Java implementation, which costs more CPU per record batch: %s",
                    kafkaCompressor(), failure);
        }
    }

    /**
     * Loads the native library if it is not loaded yet.
     *
     * @return null when it is loaded, else why it did not load
     */
    public static String load() {
        try {
            LZ4Factory.nativeInstance();
            return null;
        } catch (Throwable e) { // UnsatisfiedLinkError, or the exception of an unsupported platform
            return e.toString();
        }
    }

    /** The compressor Kafka's lz4 streams get in this class loader now, e.g. {@code LZ4JNICompressor}. */
    public static String kafkaCompressor() {
        return LZ4Factory.fastestInstance().fastCompressor().getClass().getSimpleName();
    }
}
