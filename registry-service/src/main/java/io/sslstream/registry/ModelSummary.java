package io.sslstream.registry;

/**
 * One entry of {@code GET /api/v1/models}.
 *
 * @param name          model name
 * @param versions      number of versions
 * @param latestVersion the newest version, or {@code null} when there is none
 */
public record ModelSummary(String name, long versions, Integer latestVersion) {
}
