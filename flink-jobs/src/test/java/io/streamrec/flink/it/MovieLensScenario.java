package io.streamrec.flink.it;

import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.deadletter.DeadLetters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The integration tests' input: every ml-latest-small rating as a JSON event, in event-time order, keyed by
 * userId, mixed with malformed records of every kind, exact duplicates (right after their original) and
 * late events (far behind the watermark, at the end), plus a few user profiles. It knows what the job must
 * make of each record.
 */
final class MovieLensScenario {

    /** One record to produce, with the reason it must be refused for, or null if it must be accepted. */
    record Planned(String key, byte[] value, String refusedFor) {}

    /** Where a planned record landed. */
    record Landed(int partition, long offset) {}

    /** How often a paced replay sends the records due since its last slice. */
    private static final int PACE_SLICE_MILLIS = 100;

    final List<UserEvent> accepted;
    final List<Planned> records;
    final List<UserProfile> profiles;

    private MovieLensScenario(List<UserEvent> accepted, List<Planned> records, List<UserProfile> profiles) {
        this.accepted = accepted;
        this.records = records;
        this.profiles = profiles;
    }

    /** All ratings with the given numbers of bad records and profiles. */
    static MovieLensScenario create(int malformed, int duplicates, int late, int profiled, long seed) {
        return create(Integer.MAX_VALUE, malformed, duplicates, late, profiled, seed);
    }

    /** The first {@code ratings} ratings in time order, with the given numbers of bad records and profiles. */
    static MovieLensScenario create(int ratings, int malformed, int duplicates, int late, int profiled, long seed) {
        List<UserEvent> all = MovieLensRatings.load();
        List<UserEvent> events = all.subList(0, Math.min(ratings, all.size()));
        Random random = new Random(seed);
        Set<Integer> duplicated = new HashSet<>();
        while (duplicated.size() < duplicates) {
            duplicated.add(random.nextInt(events.size()));
        }
        Map<Integer, List<MalformedEvents.Malformed>> badAt = new HashMap<>();
        for (MalformedEvents.Malformed bad : MalformedEvents.make(malformed, events)) {
            badAt.computeIfAbsent(random.nextInt(events.size()), i -> new ArrayList<>())
                    .add(bad);
        }

        List<Planned> records = new ArrayList<>(events.size() + malformed + duplicates + late);
        for (int i = 0; i < events.size(); i++) {
            badAt.getOrDefault(i, List.of())
                    .forEach(bad -> records.add(new Planned(bad.key(), bad.value(), bad.expectedReason())));
            UserEvent event = events.get(i);
            byte[] json = JsonCodecs.USER_EVENT.encode(event);
            records.add(new Planned(event.getUserId(), json, null));
            if (duplicated.contains(i)) {
                records.add(new Planned(event.getUserId(), json.clone(), DeadLetters.DUPLICATE));
            }
        }
        for (int n = 0; n < late; n++) {
            UserEvent lateEvent = UserEvent.newBuilder(events.get(random.nextInt(events.size())))
                    .setEventId("late-" + n)
                    .setTimestamp(1_000_000L + n) // 1970: far behind any watermark at the end of the stream
                    .build();
            records.add(new Planned(lateEvent.getUserId(), JsonCodecs.USER_EVENT.encode(lateEvent), DeadLetters.LATE));
        }
        return new MovieLensScenario(events, records, profilesOfLateUsers(events, profiled));
    }

    /**
     * Any events (a synthetic stream, say), every one to be accepted, produced in the given order, with no bad
     * records and no profiles: what the job must make of them is computed from them alone, as for the ratings.
     */
    static MovieLensScenario ofEvents(List<UserEvent> events) {
        List<Planned> records = events.stream()
                .map(e -> new Planned(e.getUserId(), JsonCodecs.USER_EVENT.encode(e), null))
                .toList();
        return new MovieLensScenario(List.copyOf(events), records, List.of());
    }

    /**
     * Profiles for users whose last event comes late in the stream, so the profile (read at once from its
     * small topic) is surely in their state when their last snapshot is taken.
     */
    private static List<UserProfile> profilesOfLateUsers(List<UserEvent> events, int count) {
        Map<String, Long> lastEvent = new HashMap<>();
        events.forEach(e -> lastEvent.merge(e.getUserId(), e.getTimestamp(), Math::max));
        long median = events.get(events.size() / 2).getTimestamp();
        return lastEvent.entrySet().stream()
                .filter(e -> e.getValue() > median)
                .map(Map.Entry::getKey)
                .sorted(Comparator.comparingInt(Integer::parseInt))
                .limit(count)
                .map(user -> UserProfile.newBuilder()
                        .setUserId(user)
                        .setFeatures(Map.of("segment", "s" + (Integer.parseInt(user) % 5), "country", "c" + user))
                        .setUpdatedAt(1L)
                        .build())
                .toList();
    }

    /** The last snapshot every user must end with. */
    Map<String, FeatureSnapshot> expectedFinalSnapshots(HistoryPolicy policy) {
        Map<String, FeatureSnapshot> expected =
                ReferenceUserState.finalSnapshots(accepted, ReferenceUserState.Rules.of(policy));
        for (UserProfile profile : profiles) {
            FeatureSnapshot s = expected.get(profile.getUserId());
            expected.put(
                    profile.getUserId(),
                    FeatureSnapshot.newBuilder(s)
                            .setProfile(profile.getFeatures())
                            .build());
        }
        return expected;
    }

    /** Expected refusal reason by where each refused record landed. */
    Map<Landed, String> expectedRefusals(List<Landed> landed) {
        Map<Landed, String> refusals = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).refusedFor() != null) {
                refusals.put(landed.get(i), records.get(i).refusedFor());
            }
        }
        return refusals;
    }

    /**
     * One event per partition, a day after the last rating, from a user of its own: in an unbounded run they
     * carry every partition's watermark past all real events, so every real event gets applied.
     */
    void produceWatermarkSentinels(String bootstrapServers, String topic, int partitions) {
        long after = accepted.get(accepted.size() - 1).getTimestamp() + 86_400_000L;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            for (int p = 0; p < partitions; p++) {
                UserEvent sentinel = UserEvent.newBuilder()
                        .setEventId("sentinel-" + p)
                        .setUserId(SENTINEL_USER + p)
                        .setItemId("none")
                        .setEventType("view")
                        .setTimestamp(after)
                        .build();
                producer.send(new ProducerRecord<>(
                        topic, p, sentinel.getUserId().getBytes(), JsonCodecs.USER_EVENT.encode(sentinel)));
            }
        }
    }

    static final String SENTINEL_USER = "watermark-sentinel-";

    void produceProfiles(String bootstrapServers, String topic) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            for (UserProfile p : profiles) {
                producer.send(new ProducerRecord<>(topic, p.getUserId().getBytes(), JsonCodecs.USER_PROFILE.encode(p)));
            }
        }
    }

    /** Produces records [from, to) in order and returns where each landed. */
    List<Landed> produce(String bootstrapServers, String topic, int from, int to) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(to - from);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            for (Planned p : records.subList(from, to)) {
                sent.add(producer.send(new ProducerRecord<>(
                        topic, p.key() == null ? null : p.key().getBytes(), p.value())));
            }
        }
        List<Landed> landed = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> f : sent) {
            try {
                RecordMetadata m = f.get();
                landed.add(new Landed(m.partition(), m.offset()));
            } catch (Exception e) {
                throw new IllegalStateException("A test record was not produced", e);
            }
        }
        return landed;
    }

    /**
     * Produces records [from, to) in order at about {@code perSecond} records a second, a slice every
     * {@value #PACE_SLICE_MILLIS} ms, as a live stream arrives, rather than as a backlog that the job drains as
     * fast as it can. Returns once every record is acknowledged.
     */
    void producePaced(String bootstrapServers, String topic, int from, int to, int perSecond)
            throws InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(to - from);
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers)) {
            int slice = Math.max(1, (int) ((long) perSecond * PACE_SLICE_MILLIS / 1000));
            for (int at = from; at < to; at += slice) {
                for (Planned p : records.subList(at, Math.min(to, at + slice))) {
                    sent.add(producer.send(new ProducerRecord<>(
                            topic, p.key() == null ? null : p.key().getBytes(), p.value())));
                }
                long dueNanos = started + (at + slice - from) * 1_000_000_000L / perSecond;
                long waitMillis = (dueNanos - System.nanoTime()) / 1_000_000;
                if (waitMillis > 0) {
                    Thread.sleep(waitMillis);
                }
            }
        }
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("A test record was not produced", e);
            }
        }
    }

    /**
     * Idempotent, one request in flight and patient timeouts: on a starved machine a request that times
     * out with several batches in flight made the producer reset its sequence numbers, which the broker
     * refuses (OutOfOrderSequenceException) until the batch expires, and the test record is lost.
     */
    private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        120_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        300_000,
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        // idempotence keeps the per-partition order the scenario relies on (duplicates right after
                        // originals)
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
