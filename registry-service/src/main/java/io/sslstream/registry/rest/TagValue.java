package io.sslstream.registry.rest;

/**
 * JSON body of {@code PUT /api/v1/models/{name}/versions/{v}/tags/{key}} (a {@code text/plain} body is the value
 * itself).
 *
 * @param value the tag's value
 */
public record TagValue(String value) {
}
