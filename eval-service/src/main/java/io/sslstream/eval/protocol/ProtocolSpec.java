package io.sslstream.eval.protocol;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One evaluation protocol by its reported name (DESIGN.md, "Evaluation protocols"):
 * <ul>
 *   <li>{@code linear}: linear probe with all train labels;</li>
 *   <li>{@code linear@N}: linear probe with {@code N} labels per class, over several seeds;</li>
 *   <li>{@code knn@20} (T = 0.07, solo-learn's) and {@code knn@200} (T = 0.1, lightly's); any other {@code k}
 *       needs its temperature spelled out: {@code knn@50:0.1}, reported as {@code knn@50}.</li>
 * </ul>
 *
 * @param name           reported protocol name, e.g. {@code linear@100}
 * @param kind           which protocol
 * @param k              neighbours (kNN only, else 0)
 * @param temperature    vote temperature (kNN only, else 0)
 * @param labelsPerClass labels per class ({@code linear@N} only, else 0)
 */
public record ProtocolSpec(String name, Kind kind, int k, double temperature, int labelsPerClass) {

    /** The protocol families. */
    public enum Kind { LINEAR, LINEAR_FEW, KNN }

    private static final Pattern FEW = Pattern.compile("linear@(\\d+)");
    private static final Pattern KNN = Pattern.compile("knn@(\\d+)(?::([0-9.eE+-]+))?");
    private static final String FORMS = "linear, linear@N, knn@20, knn@200 or knn@K:T";

    public static ProtocolSpec linear() {
        return new ProtocolSpec("linear", Kind.LINEAR, 0, 0, 0);
    }

    public static ProtocolSpec fewLabel(int labelsPerClass) {
        if (labelsPerClass < 1) {
            throw new IllegalArgumentException("labels per class must be >= 1, got " + labelsPerClass);
        }
        return new ProtocolSpec("linear@" + labelsPerClass, Kind.LINEAR_FEW, 0, 0, labelsPerClass);
    }

    public static ProtocolSpec knn(int k, double temperature) {
        if (k < 1 || !(temperature > 0)) {
            throw new IllegalArgumentException("knn needs k >= 1 and a positive temperature, got k=" + k + ", T=" + temperature);
        }
        return new ProtocolSpec("knn@" + k, Kind.KNN, k, temperature, 0);
    }

    /** Parses one name; throws {@link IllegalArgumentException} naming the accepted forms. */
    public static ProtocolSpec parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("linear")) {
            return linear();
        }
        Matcher few = FEW.matcher(s);
        if (few.matches()) {
            return fewLabel(Integer.parseInt(few.group(1)));
        }
        Matcher knn = KNN.matcher(s);
        if (knn.matches()) {
            int k = Integer.parseInt(knn.group(1));
            if (knn.group(2) != null) {
                try {
                    return knn(k, Double.parseDouble(knn.group(2)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad temperature in protocol '" + text + "'");
                }
            }
            return switch (k) {
                case 20 -> knn(20, 0.07);
                case 200 -> knn(200, 0.1);
                default -> throw new IllegalArgumentException("protocol '" + text + "' has no standard temperature; write it as knn@"
                        + k + ":T");
            };
        }
        throw new IllegalArgumentException("unknown protocol '" + text + "', expected " + FORMS);
    }

    /** Parses a list, rejecting duplicates (two results with one name would be ambiguous). */
    public static List<ProtocolSpec> parseAll(List<String> names) {
        List<ProtocolSpec> specs = names.stream().map(ProtocolSpec::parse).toList();
        if (specs.stream().map(ProtocolSpec::name).distinct().count() != specs.size()) {
            throw new IllegalArgumentException("protocol list names a protocol twice: " + names);
        }
        return specs;
    }
}
