package io.sslstream.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the registry refuses, with what an RFC 9457 problem document needs: the HTTP status, a short type
 * slug (the last segment of the problem type URI), a title shared by every problem of that type, and a detail
 * naming the offending value; and response headers the status calls for (e.g. {@code Content-Range} on a 416).
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiProblem(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ApiProblem badRequest(String type, String title, String detail) {
        return new ApiProblem(400, type, title, detail);
    }

    public static ApiProblem notFound(String type, String title, String detail) {
        return new ApiProblem(404, type, title, detail);
    }

    public static ApiProblem conflict(String type, String title, String detail) {
        return new ApiProblem(409, type, title, detail);
    }

    public static ApiProblem unprocessable(String type, String title, String detail) {
        return new ApiProblem(422, type, title, detail);
    }

    /** Adds a header to the problem response. */
    public ApiProblem withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }
}
