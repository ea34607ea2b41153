package io.sslstream.augmenter;

import java.util.List;

/**
 * What one raw sample became: one encoded {@code ViewSet} per recipe, each for its own topic.
 *
 * @param sampleId the sample id, the Kafka key of every output
 * @param dataset  the raw sample's dataset ({@code RawSample.dataset}), carried by every output as provenance
 * @param seed     the seed every recipe drew its random choices from
 * @param outputs  one per recipe, in the order the recipes are configured
 */
public record AugmentedSample(String sampleId, String dataset, long seed, List<Output> outputs) {

    public AugmentedSample {
        outputs = List.copyOf(outputs);
    }

    /**
     * One recipe's record.
     *
     * @param recipe  recipe name
     * @param topic   where it goes, {@code ssl.views.<recipe>}
     * @param viewSet the encoded {@code ViewSet}
     */
    public record Output(String recipe, String topic, byte[] viewSet) {
    }
}
