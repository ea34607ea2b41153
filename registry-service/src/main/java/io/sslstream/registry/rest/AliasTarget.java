package io.sslstream.registry.rest;

/**
 * Body of {@code PUT /api/v1/models/{name}/aliases/{alias}}.
 *
 * @param version the version the alias is to point at
 */
public record AliasTarget(Integer version) {
}
