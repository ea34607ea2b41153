package io.sslstream.service.rest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the service refuses, thrown from a service's {@code rest/} layer and answered by {@link ProblemMappers}
 * with a problem document: the HTTP status, a type slug (the last segment of the problem type URI), a title shared
 * by every problem of the type, a detail naming the offending value, and response headers the status calls for
 * (e.g. {@code Content-Range} on a 416).
 *
 * <p>A refusal is expected traffic, not a bug: no stack trace is captured, so a flood of bad requests stays cheap.
 * Domain code does not throw this (it is HTTP); it throws its own exceptions, which {@code rest/} maps.
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ProblemException(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    /** 400: the request is malformed. */
    public static ProblemException badRequest(String type, String title, String detail) {
        return new ProblemException(400, type, title, detail);
    }

    /** 413: the body, or what it declares, is over a limit. */
    public static ProblemException tooLarge(String type, String title, String detail) {
        return new ProblemException(413, type, title, detail);
    }

    /** 415 {@code unsupported-media-type}: the detail says what was sent and what is taken. */
    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail);
    }

    /** Adds a header to the problem response. */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    /** The type slug, e.g. {@code payload-too-large}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
