package io.sslstream.bench.augment;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.TimestampType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What view sets cost in Kafka: record values against the raw pixel bytes, and record batches as the producer
 * builds them (Kafka's own {@link MemoryRecordsBuilder}, the class the producer uses), uncompressed and compressed.
 */
public final class RecordBytes {

    private RecordBytes() {
    }

    /**
     * Sizes of one batch.
     *
     * @param records    records in the batch
     * @param values     bytes of the record values
     * @param batchBytes bytes of the record batch on the wire (headers, keys, values, compressed as asked)
     */
    public record Batch(int records, long values, long batchBytes) {
    }

    /**
     * Fills record batches of at most {@code batchSize} bytes (the producer's {@code batch.size}) with the
     * {@code (key, value)} records, in order, and sums them.
     */
    public static Batch batches(List<String> keys, List<byte[]> values, int batchSize, String compression) {
        Compression c = Compression.of(compression).build();
        long batchBytes = 0;
        long valueBytes = 0;
        int i = 0;
        while (i < values.size()) {
            ByteBuffer buf = ByteBuffer.allocate(Math.max(batchSize, values.get(i).length + 1024) * 2);
            MemoryRecordsBuilder b = MemoryRecords.builder(buf, c, TimestampType.CREATE_TIME, 0L);
            long written = 0;
            // the producer closes a batch when the next record would not fit batch.size (estimated uncompressed)
            do {
                byte[] v = values.get(i);
                b.append(System.currentTimeMillis(), keys.get(i).getBytes(StandardCharsets.UTF_8), v);
                written += v.length;
                valueBytes += v.length;
                i++;
            } while (i < values.size() && written + values.get(i).length <= batchSize);
            batchBytes += b.build().sizeInBytes();
        }
        return new Batch(values.size(), valueBytes, batchBytes);
    }
}
