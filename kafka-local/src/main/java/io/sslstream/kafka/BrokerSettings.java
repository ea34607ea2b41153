package io.sslstream.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Broker settings shared by the in-process and the own-JVM broker: one node, replication factor 1. */
final class BrokerSettings {

    private BrokerSettings() {
    }

    /** Settings any single-node KRaft broker here needs, whichever way it is started. */
    static Map<String, String> singleNode(int partitions) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", Integer.toString(partitions));
        p.put("auto.create.topics.enable", "true");
        // view records of large images exceed the 1 MB default
        p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
        return p;
    }
}
