package io.sslstream.registry;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated search over a model's versions ({@code GET /api/v1/models/{name}/versions?...}).
 *
 * @param runId      only versions of this run, or {@code null}
 * @param method     only versions of this SSL method, or {@code null}
 * @param tags       only versions carrying every one of these tags
 * @param order      what the versions are sorted by
 * @param protocol   with {@link Order#METRIC}: the evaluation protocol whose accuracy sorts, e.g. {@code linear}
 * @param descending largest first
 * @param offset     first item of the page
 * @param limit      page size
 */
public record VersionSearch(String runId, String method, List<Tags.Filter> tags, Order order, String protocol,
                            boolean descending, int offset, int limit) {

    /** Sort keys; ties are broken by version number, newest first. */
    public enum Order {
        /** Creation order, which is version-number order. */
        CREATED,
        /** Training step. */
        STEP,
        /**
         * The accuracy of the newest succeeded evaluation's result for {@link #protocol} on the encoder's features;
         * versions without one come last.
         */
        METRIC
    }

    /** Protocol names as the evaluator writes them: {@code linear}, {@code linear@100}, {@code knn@20}. */
    private static final Pattern PROTOCOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._:-]{0,63}");
    private static final String METRIC_PREFIX = "metric:";

    public VersionSearch {
        tags = List.copyOf(tags);
    }

    /**
     * Parses and validates query parameters; every refusal is {@link Refusal.Kind#INVALID} and names the parameter.
     *
     * @param order {@code created} (default), {@code step} or {@code metric:<protocol>}
     * @param dir   {@code desc} (default) or {@code asc}
     */
    public static VersionSearch parse(String run, String method, List<String> tags, String order, String dir,
                                      int offset, int limit, int maxLimit) {
        if (offset < 0) {
            throw invalid("invalid-paging", "offset must be >= 0, got " + offset);
        }
        if (limit < 1 || limit > maxLimit) {
            throw invalid("invalid-paging", "limit must be in [1, " + maxLimit + "], got " + limit);
        }
        String runId = blankToNull(run);
        if (runId != null && runId.length() > 256) {
            throw invalid("invalid-parameter", "run must have at most 256 characters, got " + runId.length());
        }
        String m = blankToNull(method);
        if (m != null && m.length() > 64) {
            throw invalid("invalid-parameter", "method must have at most 64 characters, got " + m.length());
        }
        List<Tags.Filter> filters = tags == null ? List.of()
                : tags.stream().filter(t -> !t.isEmpty()).map(Tags.Filter::parse).toList();
        if (filters.size() > 16) {
            throw invalid("invalid-parameter", "at most 16 tag filters, got " + filters.size());
        }
        Order o;
        String protocol = null;
        String orderValue = order == null || order.isEmpty() ? "created" : order;
        if (orderValue.startsWith(METRIC_PREFIX)) {
            o = Order.METRIC;
            protocol = orderValue.substring(METRIC_PREFIX.length());
            if (!PROTOCOL.matcher(protocol).matches()) {
                throw invalid("invalid-parameter", "order metric:<protocol> needs a protocol matching " + PROTOCOL
                        + ", got: " + Tags.quote(protocol));
            }
        } else if (orderValue.equals("created") || orderValue.equals("step")) {
            o = Order.valueOf(orderValue.toUpperCase(Locale.ROOT));
        } else {
            throw invalid("invalid-parameter", "order must be created, step or metric:<protocol>, got: " + Tags.quote(orderValue));
        }
        String d = dir == null || dir.isEmpty() ? "desc" : dir;
        if (!d.equals("asc") && !d.equals("desc")) {
            throw invalid("invalid-parameter", "dir must be asc or desc, got: " + Tags.quote(d));
        }
        return new VersionSearch(runId, m, filters, o, protocol, d.equals("desc"), offset, limit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Refusal invalid(String type, String detail) {
        String title = type.equals("invalid-paging") ? "Invalid paging" : "Invalid parameter";
        return Refusal.invalid(type, title, detail);
    }
}
