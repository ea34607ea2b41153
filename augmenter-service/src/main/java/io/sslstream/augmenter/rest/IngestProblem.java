package io.sslstream.augmenter.rest;

/**
 * A request the ingestion API refuses: HTTP status, a type slug (the last segment of the problem type URI), a
 * title shared by every problem of the type, and a detail naming the offending value.
 */
public final class IngestProblem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    public IngestProblem(int status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    static IngestProblem badRequest(String type, String title, String detail) {
        return new IngestProblem(400, type, title, detail);
    }

    static IngestProblem tooLarge(String type, String title, String detail) {
        return new IngestProblem(413, type, title, detail);
    }

    static IngestProblem unsupported(String detail) {
        return new IngestProblem(415, "unsupported-media-type", "Unsupported media type", detail);
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
}
