package io.sslstream.trainer.messaging;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.quarkus.logging.Log;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.codec.CodecException;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.service.messaging.DeadLetter;
import io.sslstream.trainer.RunSettings;
import io.sslstream.trainer.TrainerMetrics;
import io.sslstream.trainer.TrainingLoop;
import io.sslstream.trainer.ViewQueue;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads view sets in batches from {@code ssl.views.<recipe>} and hands them to the training thread.
 * Records the method cannot train on (too few views, views of another shape than the encoder's input, MAE without
 * a mask or with a mask of another patch grid) go to the dead-letter topic with the reason; they never stop the
 * stream.
 */
@ApplicationScoped
public class ViewConsumer {

    static final String STAGE = "trainer.decode";

    private final ViewQueue queue;
    private final TrainingLoop loop;
    private final TrainerConfig config;
    private final RunSettings settings;
    private final TrainerMetrics metrics;
    private final MutinyEmitter<byte[]> dlq;
    private final ReadPositions positions;

    ViewConsumer(ViewQueue queue, TrainingLoop loop, TrainerConfig config, RunSettings settings, TrainerMetrics metrics,
                 @Channel(Channels.VIEWS_DLQ) MutinyEmitter<byte[]> dlq, ReadPositions positions) {
        this.queue = queue;
        this.loop = loop;
        this.config = config;
        this.settings = settings;
        this.metrics = metrics;
        this.dlq = dlq;
        this.positions = positions;
    }

    @Incoming(Channels.VIEWS)
    @Blocking(ordered = true)
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) throws InterruptedException {
        for (KafkaRecord<String, byte[]> record : batch) {
            IncomingKafkaRecord<String, byte[]> r = (IncomingKafkaRecord<String, byte[]>) record;
            if (!positions.take(r.getTopic(), r.getPartition(), r.getOffset())) {
                Log.debugf("%s-%d offset %d was taken before (fetched again after a rebalance): skipped", r.getTopic(),
                        r.getPartition(), r.getOffset());
                continue;
            }
            ViewSet vs;
            try {
                vs = ViewSet.decode(r.getPayload());
                check(vs);
            } catch (CodecException e) {
                reject(r, "decode." + e.reason(), e.getMessage());
                continue;
            } catch (MaskException e) {
                reject(r, "mask-mismatch", e.getMessage());
                continue;
            } catch (IllegalArgumentException e) {
                reject(r, "shape-mismatch", e.getMessage());
                continue;
            }
            if (!queue.put(new ViewQueue.Item(vs, r.getTopic(), r.getPartition(), r.getOffset(), dataset(r)), loop::isRunning)) {
                // shutting down: neither ack nor nack (a nack would send the whole batch to the DLQ); the next start
                // reads from its checkpoint's offsets anyway
                return CompletableFuture.completedFuture(null);
            }
        }
        return batch.ack();
    }

    /** The record's {@link Topics#HEADER_DATASET}, or null (records from an augmenter that did not set it yet). */
    private static String dataset(IncomingKafkaRecord<String, byte[]> r) {
        Header h = r.getHeaders().lastHeader(Topics.HEADER_DATASET);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void check(ViewSet vs) {
        RunSettings.Requirements need = settings.requirements();
        String method = settings.method().method();
        if (vs.views().size() < need.views()) {
            throw new IllegalArgumentException(method + " needs " + need.views() + " views, got " + vs.views().size());
        }
        TrainerConfig.Input in = config.input();
        for (View v : vs.views().subList(0, need.views())) { // further views (multi-crop's small crops) are not used
            if (v.height() != in.height() || v.width() != in.width() || v.channels() != in.channels()) {
                throw new IllegalArgumentException("view " + v.height() + "x" + v.width() + "x" + v.channels()
                        + " does not match the encoder input " + in.height() + "x" + in.width() + "x" + in.channels());
            }
        }
        if (need.maskPatch() > 0) {
            PatchMask m = vs.mask();
            if (m == null) {
                throw new MaskException(method + " needs a patch mask (recipe mae), the view set has none");
            }
            if (m.patchSize() != need.maskPatch() || m.rows() != need.maskRows() || m.cols() != need.maskCols()) {
                throw new MaskException("mask of " + m.rows() + "x" + m.cols() + " patches of " + m.patchSize()
                        + " px, the encoder's grid is " + need.maskRows() + "x" + need.maskCols() + " of " + need.maskPatch() + " px");
            }
            int masked = m.maskedCount();
            if (masked == 0 || masked == m.rows() * m.cols()) {
                throw new MaskException("mask hides " + masked + " of " + m.rows() * m.cols() + " patches: MAE needs some hidden and some visible");
            }
        }
    }

    /** A view set whose mask the method cannot use. */
    static final class MaskException extends IllegalArgumentException {
        MaskException(String message) {
            super(message);
        }
    }

    private void reject(IncomingKafkaRecord<String, byte[]> r, String reason, String message) {
        DeadLetter letter = new DeadLetter(reason, STAGE, message, DeadLetter.source(r.getTopic(), r.getPartition(), r.getOffset()));
        metrics.rejected(reason);
        Log.warnf("rejected %s: %s", letter.source(), message);
        dlq.sendMessageAndAwait(Message.of(r.getPayload()).addMetadata(letter.metadata(Topics.SAMPLES_DLQ, r.getKey())));
    }
}
