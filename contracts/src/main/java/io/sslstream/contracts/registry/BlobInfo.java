package io.sslstream.contracts.registry;

/**
 * A stored, content-addressed blob.
 *
 * @param sha256 lower-case hex SHA-256 of the bytes
 * @param size   bytes
 */
public record BlobInfo(String sha256, long size) {
}
