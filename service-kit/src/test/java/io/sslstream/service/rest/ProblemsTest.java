package io.sslstream.service.rest;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The documents themselves; that the mappers are active in a service is checked by each service's own tests. */
class ProblemsTest {

    final Problems problems = new Problems("registry");
    final UriInfo uri = uri("/api/v1/things/7");

    @Test
    void typesAreUrnsOfTheServiceOrAboutBlank() {
        assertThat(problems.type("digest-mismatch")).isEqualTo("urn:sslstream:registry:problem:digest-mismatch");
        assertThat(new Problems("augmenter").type("bad-id")).isEqualTo("urn:sslstream:augmenter:problem:bad-id");
        assertThat(problems.type(null)).isEqualTo("about:blank");
    }

    @Test
    void aRefusedRequestIsItsStatusTypeTitleDetailPathAndHeaders() {
        ProblemException refused = new ProblemException(416, "range-not-satisfiable", "Range not satisfiable", "bytes=9-")
                .withHeader("Content-Range", "bytes */5");

        Response r = problems.refused(refused, uri);

        assertThat(r.getStatus()).isEqualTo(416);
        assertThat(r.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(r.getHeaderString("Content-Range")).isEqualTo("bytes */5");
        assertThat(r.getEntity()).isEqualTo(new Problem("urn:sslstream:registry:problem:range-not-satisfiable",
                "Range not satisfiable", 416, "bytes=9-", "/api/v1/things/7"));
    }

    @Test
    void factoriesGiveTheStatusOfTheirName() {
        assertThat(ProblemException.badRequest("t", "T", "d").status()).isEqualTo(400);
        assertThat(ProblemException.tooLarge("t", "T", "d").status()).isEqualTo(413);
        ProblemException unsupported = ProblemException.unsupportedMediaType("text/plain is not taken");
        assertThat(unsupported.status()).isEqualTo(415);
        assertThat(unsupported.type()).isEqualTo("unsupported-media-type");
        assertThat(unsupported.detail()).isEqualTo("text/plain is not taken");
        assertThat(unsupported.getStackTrace()).isEmpty();
    }

    @Test
    void frameworkErrorsKeepTheirStatusWithTheReasonPhraseAsTitle() {
        Response notFound = problems.framework(new NotFoundException("HTTP 404 Not Found"), uri);
        assertThat(notFound.getEntity()).isEqualTo(new Problem("about:blank", "Not Found", 404, "HTTP 404 Not Found",
                "/api/v1/things/7"));
        Response unsupported = problems.framework(new NotSupportedException(), uri);
        assertThat(((Problem) unsupported.getEntity()).status()).isEqualTo(415);
        assertThat(((Problem) unsupported.getEntity()).type()).isEqualTo("about:blank");
    }

    @Test
    void anUnexpectedErrorIsA500NamingTheServiceAndAnErrorId() {
        Response r = problems.unexpected(new IllegalStateException("disk on fire"), uri);

        Problem p = (Problem) r.getEntity();
        assertThat(p.status()).isEqualTo(500);
        assertThat(p.type()).isEqualTo("urn:sslstream:registry:problem:internal-error");
        assertThat(p.title()).isEqualTo("Internal error");
        // the cause stays in the log: the client gets its class and an id to quote
        assertThat(p.detail()).matches("the registry failed \\(IllegalStateException\\); error id [0-9a-f-]{36}")
                .doesNotContain("disk on fire");
    }

    @Test
    void theServiceNameDefaultsToTheApplicationNameWithoutItsSuffix() {
        assertThat(Problems.shortName("registry-service")).isEqualTo("registry");
        assertThat(Problems.shortName("sslctl")).isEqualTo("sslctl");
        assertThatThrownBy(() -> new Problems("Not A Name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedMappersGiveWayToAServicesOwnAtTheDefaultPriority() {
        // JAX-RS: of two mappers for one exception type, the lower priority value wins
        assertThat(ProblemMappers.PRIORITY).isGreaterThan(Priorities.USER);
    }

    static UriInfo uri(String path) {
        return (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getPath") && (args == null || args.length == 0)) {
                        return path;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
