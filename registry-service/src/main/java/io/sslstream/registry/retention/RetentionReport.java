package io.sslstream.registry.retention;

import java.util.List;

/**
 * What one run of the retention policy deleted (or, in a dry run, would delete).
 *
 * @param dryRun       nothing was deleted; the lists say what would have been
 * @param versions     the versions deleted, by model and number
 * @param blobsDeleted blobs deleted because no remaining version used them (0 in a dry run)
 * @param bytesFreed   their bytes
 */
public record RetentionReport(boolean dryRun, List<DeletedVersion> versions, int blobsDeleted, long bytesFreed) {

    public RetentionReport {
        versions = List.copyOf(versions);
    }

    /** One deleted version. */
    public record DeletedVersion(String model, int version, String weightsSha256) {
    }
}
