package io.sslstream.eval.messaging;

import io.smallrye.common.annotation.Identifier;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.Json;
import io.sslstream.eval.Dependency;
import io.sslstream.eval.DependencyUnavailableException;
import io.sslstream.eval.config.EvalConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether an evaluation is on {@code ssl.evaluations} already. The evaluator stores an evaluation in the registry,
 * then publishes it, then commits the checkpoint event: a restart between the first two steps leaves a stored
 * evaluation that was never announced, and the redelivered event finds it. This check tells that case (publish the
 * stored evaluation) from a duplicate event (publish nothing): it reads the topic from the evaluation's timestamp
 * minus {@code ssl.eval.published-check-slack} to its end, looking for the evaluation's event id. The topic is
 * low-rate, so that is a handful of records. The same check tells, after a publish whose outcome is unknown (it timed
 * out), whether to send it again.
 */
@ApplicationScoped
public class PublishedEvaluations {

    /** Longest one search may take before it counts as the broker being unavailable (and is made again later). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafka;
    private final EvalConfig config;
    private final String topic;

    PublishedEvaluations(@Identifier("default-kafka-broker") Map<String, Object> kafka, EvalConfig config,
                         @ConfigProperty(name = "mp.messaging.outgoing." + Channels.EVALUATIONS + ".topic",
                                 defaultValue = Topics.EVALUATIONS) String topic) {
        this.kafka = kafka;
        this.config = config;
        this.topic = topic;
    }

    /** The topic searched: {@code ssl.evaluations}, as configured for the outgoing channel. */
    public String topic() {
        return topic;
    }

    /**
     * @return true if a record with this evaluation's event id is on the topic
     * @throws DependencyUnavailableException when the topic cannot be read to its end in time, or the broker fails
     *     the read
     */
    public boolean contains(EvaluationCompleted evaluation) {
        try {
            return search(evaluation);
        } catch (KafkaException e) {
            throw new DependencyUnavailableException(Dependency.KAFKA, "cannot read " + topic + ": " + e, e);
        }
    }

    private boolean search(EvaluationCompleted evaluation) {
        String id = evaluation.eventId().toString();
        long from = evaluation.timestamp() == null ? 0 : Math.max(0, evaluation.timestamp().minus(config.publishedCheckSlack()).toEpochMilli());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return false;
            }
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(new TopicPartition(p.topic(), p.partition()), from));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, TIMEOUT);
            Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet(), TIMEOUT);
            Set<TopicPartition> open = new HashSet<>();
            starts.forEach((tp, start) -> {
                if (start != null && start.offset() < ends.get(tp)) {
                    open.add(tp);
                }
            });
            if (open.isEmpty()) {
                return false; // nothing published since then
            }
            consumer.assign(open);
            open.forEach(tp -> consumer.seek(tp, starts.get(tp).offset()));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new DependencyUnavailableException(Dependency.KAFKA, "could not read " + topic + " " + open
                            + " to its end within " + TIMEOUT.toSeconds() + " s", null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (evaluation.modelName().equals(r.key()) && r.value() != null && r.value().contains(id)
                            && isEvent(r.value(), evaluation)) {
                        return true;
                    }
                }
                open.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            }
            return false;
        }
    }

    private static boolean isEvent(String json, EvaluationCompleted evaluation) {
        try {
            return evaluation.eventId().equals(Json.read(json, EvaluationCompleted.class).eventId());
        } catch (RuntimeException e) {
            return false; // not an evaluation: not ours
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>();
        Set<String> known = ConsumerConfig.configNames();
        kafka.forEach((k, v) -> {
            if (known.contains(k)) {
                c.put(k, v);
            }
        });
        c.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group, nothing committed
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "eval-published-check");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return c;
    }
}
