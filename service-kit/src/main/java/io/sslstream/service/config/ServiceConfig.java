package io.sslstream.service.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** What service-kit needs to know of the service it runs in: keys {@code ssl.service.*}. */
@ConfigMapping(prefix = "ssl.service")
public interface ServiceConfig {

    /**
     * The service's short name, e.g. {@code registry}: it names the service in its problem types
     * ({@code urn:sslstream:<name>:problem:<slug>}) and in its error messages. Default: {@code quarkus.application.name}
     * without its {@code -service} suffix (the artifact {@code registry-service} gives {@code registry}).
     */
    Optional<String> name();
}
