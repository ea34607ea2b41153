package io.sslstream.registry.health;

import io.sslstream.registry.store.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;

/** Ready only while uploads can land: the blob and temp directories exist and are writable. */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {

    private final BlobStore blobs;

    public StorageHealthCheck(BlobStore blobs) {
        this.blobs = blobs;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("blob-store")
                .withData("blobs", blobs.blobsDir().toString());
        boolean writable = Files.isDirectory(blobs.blobsDir()) && Files.isWritable(blobs.blobsDir())
                && Files.isDirectory(blobs.tmpDir()) && Files.isWritable(blobs.tmpDir());
        try {
            r.withData("usableBytes", Files.getFileStore(blobs.tmpDir()).getUsableSpace());
        } catch (IOException e) {
            writable = false;
            r.withData("error", e.toString());
        }
        return r.status(writable).build();
    }
}
