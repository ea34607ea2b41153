package io.sslstream.contracts.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A search over a model's versions: {@code GET /api/v1/models/{name}/versions?run=&method=&tag=&order=&dir=&offset=&limit=}.
 *
 * @param runId      only versions of this training run, or {@code null}
 * @param method     only versions of this SSL method, or {@code null}
 * @param tag        only versions carrying this tag, {@code key=value} or {@code key}, or {@code null}
 * @param order      {@code created} (default), {@code step}, or {@code metric:<protocol>} (e.g. {@code metric:linear},
 *                   the newest succeeded evaluation's accuracy on the encoder's features; unevaluated versions last)
 * @param descending newest / largest first (the default)
 * @param offset     first item of the page
 * @param limit      page size
 */
public record VersionQuery(String runId, String method, String tag, String order, boolean descending, int offset, int limit) {

    /** All versions, newest first, first page of 50. */
    public static VersionQuery all() {
        return new VersionQuery(null, null, null, "created", true, 0, 50);
    }

    public VersionQuery run(String id) {
        return new VersionQuery(id, method, tag, order, descending, offset, limit);
    }

    public VersionQuery method(String m) {
        return new VersionQuery(runId, m, tag, order, descending, offset, limit);
    }

    public VersionQuery tag(String t) {
        return new VersionQuery(runId, method, t, order, descending, offset, limit);
    }

    public VersionQuery orderBy(String o, boolean desc) {
        return new VersionQuery(runId, method, tag, o, desc, offset, limit);
    }

    public VersionQuery page(int off, int lim) {
        return new VersionQuery(runId, method, tag, order, descending, off, lim);
    }

    /** The query string, without the leading {@code ?}. */
    public String toQueryString() {
        List<String> p = new ArrayList<>();
        add(p, "run", runId);
        add(p, "method", method);
        add(p, "tag", tag);
        add(p, "order", order);
        p.add("dir=" + (descending ? "desc" : "asc"));
        p.add("offset=" + offset);
        p.add("limit=" + limit);
        return String.join("&", p);
    }

    private static void add(List<String> p, String key, String value) {
        if (value != null && !value.isEmpty()) {
            p.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
