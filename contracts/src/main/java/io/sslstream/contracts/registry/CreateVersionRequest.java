package io.sslstream.contracts.registry;

import io.sslstream.contracts.checkpoint.CheckpointManifest;

import java.util.Map;

/**
 * Body of {@code POST /api/v1/models/{name}/versions}: a manifest and the SHA-256 of a blob uploaded before.
 *
 * @param weightsSha256 blob uploaded with {@code PUT /api/v1/blobs/sha256/{hex}}
 * @param manifest      the checkpoint manifest
 * @param tags          optional free-form tags
 */
public record CreateVersionRequest(String weightsSha256, CheckpointManifest manifest, Map<String, String> tags) {
    public CreateVersionRequest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
