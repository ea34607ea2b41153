package io.sslstream.registry;

/**
 * A request the registry refuses, with what an RFC 9457 problem document needs: the HTTP status, a short type
 * slug (the last segment of the problem type URI), a title shared by every problem of that type, and a detail
 * naming the offending value.
 */
public final class ApiProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

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
