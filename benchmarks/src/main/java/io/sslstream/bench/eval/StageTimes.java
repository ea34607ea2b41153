package io.sslstream.bench.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Seconds per stage of one evaluation: the growth of the evaluator's {@code ssl_eval_stage_duration_seconds_sum}. */
public final class StageTimes {

    private static final Pattern SUM = Pattern.compile("ssl_eval_stage_duration_seconds_sum\\{stage=\"([^\"]+)\"}");

    private StageTimes() {
    }

    /** Stage to seconds spent between two scrapes (stages that did not run are absent). */
    public static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((sample, value) -> {
            Matcher m = SUM.matcher(sample);
            if (m.matches()) {
                double d = value - before.getOrDefault(sample, 0.0);
                if (d > 0) {
                    out.put(m.group(1), d);
                }
            }
        });
        return out;
    }
}
