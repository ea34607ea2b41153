package io.sslstream.contracts.events;

import java.util.Map;

/**
 * One number of an evaluation, always with the protocol that produced it, so that numbers stay comparable.
 *
 * @param protocol   e.g. {@code linear}, {@code linear@100}, {@code knn@20}
 * @param featureSet {@code encoder} for the checkpoint, or a baseline: {@code raw-pixels}, {@code random-init}
 * @param params     the protocol's parameters (k, temperature, weight decay, labels per class, seeds...)
 * @param accuracy   top-1 accuracy on the test split, in [0, 1] (mean over seeds where there are several)
 * @param spread     standard deviation over seeds, 0 where the protocol has one seed
 * @param seconds    wall time of the protocol
 */
public record ProtocolResult(String protocol, String featureSet, Map<String, Object> params, double accuracy,
                             double spread, double seconds) {

    public ProtocolResult {
        params = params == null ? Map.of() : Map.copyOf(params);
        if (!(accuracy >= 0 && accuracy <= 1)) {
            throw new IllegalArgumentException("accuracy must be in [0, 1], got " + accuracy);
        }
    }
}
