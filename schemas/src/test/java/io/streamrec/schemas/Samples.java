package io.streamrec.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Records and a clock shared by the schemas tests. */
public final class Samples {

    /** Event times in the samples sit an hour before this "now". */
    public static final long NOW = 1_700_003_600_000L;

    public static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

    private static final String[] TYPES = {"view", "click", "rate", "fav", "cart", "buy"};

    private Samples() {}

    public static UserEvent event() {
        return UserEvent.newBuilder()
                .setEventId("e1")
                .setUserId("u1")
                .setItemId("i9")
                .setEventType("click")
                .setTimestamp(1_700_000_000_000L)
                .setCategoryId("c3")
                .setWeight(1.0)
                .build();
    }

    /** A valid, already normalised event with random ids (unicode included) and random optional fields. */
    public static UserEvent randomEvent(Random random) {
        return UserEvent.newBuilder()
                .setEventId("e" + random.nextLong())
                .setUserId(randomId(random))
                .setItemId(randomId(random))
                .setEventType(TYPES[random.nextInt(TYPES.length)])
                .setTimestamp(1 + (long) (random.nextDouble() * NOW))
                .setSessionId(random.nextBoolean() ? randomId(random) : null)
                .setLeafCategoryId(random.nextBoolean() ? randomId(random) : null)
                .setCategoryId(random.nextBoolean() ? randomId(random) : null)
                .setShopId(random.nextBoolean() ? randomId(random) : null)
                .setBrandId(random.nextBoolean() ? randomId(random) : null)
                .setWeight(random.nextBoolean() ? random.nextDouble() * 100 : null)
                .build();
    }

    /** 1 to 40 printable chars mixing ASCII, JSON-escaped characters, accents, CJK and an astral emoji. */
    public static String randomId(Random random) {
        String alphabet = "abcXYZ019-_./:\"\\é漢字";
        StringBuilder id = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(50) == 0) {
                id.append("😀");
            } else {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return id.toString();
    }

    public static UserProfile profile() {
        Map<String, String> features = new LinkedHashMap<>();
        features.put("gender", "F");
        features.put("age", "25-34");
        return UserProfile.newBuilder()
                .setUserId("u1")
                .setFeatures(features)
                .setUpdatedAt(1_700_000_000_000L)
                .build();
    }

    public static Behavior behavior(String itemId, long timestamp) {
        return Behavior.newBuilder()
                .setEventId("e-" + itemId)
                .setItemId(itemId)
                .setEventType("view")
                .setTimestamp(timestamp)
                .setCategoryId("c3")
                .setWeight(1.0)
                .build();
    }

    public static FeatureSnapshot snapshot() {
        return FeatureSnapshot.newBuilder()
                .setUserId("u1")
                .setEventId("e2")
                .setEventTime(1_700_000_000_500L)
                .setSession(List.of(behavior("i1", 1_700_000_000_000L), behavior("i2", 1_700_000_000_500L)))
                .setLongTerm(LongTermFeatures.newBuilder()
                        .setItem(List.of("i7", "i8"))
                        .setLeafCategory(List.of())
                        .setCategory(List.of("c1"))
                        .setShop(List.of())
                        .setBrand(List.of("b2"))
                        .build())
                .setProfile(Map.of("age", "25-34"))
                .setSessionStart(1_700_000_000_000L)
                .setSessionsClosed(3)
                .build();
    }

    public static TrainingExample trainingExample() {
        return TrainingExample.newBuilder()
                .setContext(snapshot())
                .setTarget(behavior("i3", 1_700_000_001_000L))
                .build();
    }

    public static UserVector userVector() {
        return UserVector.newBuilder()
                .setUserId("u1")
                .setModelName("sdm")
                .setModelVersion(12)
                .setEventTime(1_700_000_000_500L)
                .setEventId("e2")
                .setInterests(List.of(List.of(0.1f, -0.25f, 3.5f)))
                .setVector(List.of(0.1f, -0.25f, 3.5f))
                .setRecentItems(List.of("i2", "i1"))
                .build();
    }

    public static DeadLetter deadLetter(byte[] payload) {
        return DeadLetter.newBuilder()
                .setReason("missing-field:userId")
                .setReasons(List.of("missing-field:userId"))
                .setKey(null)
                .setPayload(ByteBuffer.wrap(payload))
                .setSourceTopic("events")
                .setPartition(3)
                .setOffset(42)
                .setDeadLetteredAt(NOW)
                .build();
    }

    public static ModelUpdate modelUpdate() {
        List<DenseParameter> dense = new ArrayList<>();
        dense.add(DenseParameter.newBuilder()
                .setName("gate.w1")
                .setShape(List.of(2L, 2L))
                .setValues(ByteBuffer.wrap(new byte[16]))
                .build());
        return ModelUpdate.newBuilder()
                .setModelName("sdm")
                .setVersion(7)
                .setBaseVersion(6L)
                .setKind(UpdateKind.DELTA)
                .setCreatedAt(NOW)
                .setSpec(ModelSpec.newBuilder()
                        .setEncoderName("sdm")
                        .setEncoderSettings(Map.of("sdm.attention-heads", "2"))
                        .setModelSettings(Map.of("outputDim", "64"))
                        .build())
                .setDense(dense)
                .setEmbeddingRows(List.of(EmbeddingRow.newBuilder()
                        .setFeature("item")
                        .setId("i1")
                        .setValues(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
                        .build()))
                .setItemRows(List.of(ItemRow.newBuilder()
                        .setItemId("i1")
                        .setCategoryId("c1")
                        .setVector(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}))
                        .build()))
                .setTombstones(List.of(
                        Tombstone.newBuilder().setFeature("item").setId("i0").build()))
                .build();
    }

    public static SourcedEvent sourced(UserEvent event, String json) {
        return SourcedEvent.newBuilder()
                .setEvent(event)
                .setPayload(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))
                .setSourceTopic("events")
                .setPartition(1)
                .setOffset(99)
                .build();
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
