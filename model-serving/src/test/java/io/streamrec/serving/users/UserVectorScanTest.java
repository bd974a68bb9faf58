package io.streamrec.serving.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.serving.ServingMetrics;
import io.streamrec.serving.users.UserVectorScan.UnservableVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan decides as a full decode followed by the follower's checks did, for every record of the follower's model,
 * and the bytes it keeps decode to the vector that was sent.
 */
class UserVectorScanTest {

    private static final AvroBinaryCodec<UserVector> CODEC = AvroBinaryCodec.of(UserVector.class);

    @TempDir
    Path dir;

    private static UserVector vector(String user, String model, int interests, int width, int recent) {
        List<List<Float>> interestVectors = new ArrayList<>();
        for (int k = 0; k < interests; k++) {
            interestVectors.add(floats(width, k + 1));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < recent; i++) {
            items.add("item-" + i * 7919);
        }
        return UserVector.newBuilder()
                .setUserId(user)
                .setModelName(model)
                .setModelVersion(1L << 33)
                .setEventTime(-5L)
                .setEventId("e-\u00e9v\u00e9nement")
                .setInterests(interestVectors)
                .setVector(floats(width, 0))
                .setRecentItems(items)
                .build();
    }

    private static List<Float> floats(int width, int seed) {
        List<Float> values = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            values.add((float) Math.sin(seed * 31 + i) * 3f);
        }
        return values;
    }

    /** The follower's decision before the scan: full decode, its checks, then the model. */
    private static String decodedVerdict(byte[] bytes, String model) {
        UserVector v;
        try {
            v = CODEC.decode(bytes);
        } catch (RuntimeException e) {
            return "refused";
        }
        boolean unservable = v.getUserId().isEmpty()
                || v.getVector().isEmpty()
                || v.getInterests().stream()
                        .anyMatch(i -> i.size() != v.getVector().size())
                || v.getVector().stream().anyMatch(f -> !Float.isFinite(f));
        if (unservable) {
            return "refused";
        }
        if (!model.equals(v.getModelName())) {
            return "skipped";
        }
        return "taken " + v.getUserId() + " " + v.getModelVersion() + " " + v.getEventTime();
    }

    private static String scannedVerdict(byte[] bytes, String model) {
        try {
            UserVectorStore.EncodedVector v = new UserVectorScan(model).scan(bytes);
            return v == null ? "skipped" : "taken " + v.userId() + " " + v.modelVersion() + " " + v.eventTime();
        } catch (UnservableVector e) {
            return "refused";
        }
    }

    @Test
    void aServableVectorIsTakenWithItsUserAndRecencyAndItsOwnBytes() throws UnservableVector {
        for (UserVector v : List.of(
                vector("u1", "sdm", 1, 64, 100),
                vector("\u7528\u6237-\ud83d\ude00", "sdm", 4, 8, 0),
                vector("u3", "sdm", 0, 1, 1))) {
            byte[] bytes = CODEC.encode(v);
            UserVectorStore.EncodedVector scanned = new UserVectorScan("sdm").scan(bytes);
            assertThat(scanned.userId()).isEqualTo(v.getUserId());
            assertThat(scanned.modelVersion()).isEqualTo(v.getModelVersion());
            assertThat(scanned.eventTime()).isEqualTo(v.getEventTime());
            assertThat(scanned.avro()).isSameAs(bytes);
        }
    }

    @Test
    void aVectorOfAnotherModelIsSkippedUnreadPastItsModelName() throws UnservableVector {
        byte[] bytes = CODEC.encode(vector("u1", "sine", 4, 8, 10));
        assertThat(new UserVectorScan("sdm").scan(bytes)).isNull();
        byte[] garbageAfterTheName = Arrays.copyOf(bytes, 12);
        assertThat(new UserVectorScan("sdm").scan(garbageAfterTheName)).isNull();
        assertThat(new UserVectorScan("sdmx").scan(CODEC.encode(vector("u1", "sdm", 1, 8, 0))))
                .as("a model name that is a prefix of ours")
                .isNull();
    }

    @Test
    void anUnservableVectorIsRefusedWithTheReason() {
        UserVector emptyUser = vector("", "sdm", 1, 8, 3);
        UserVector emptyVector = vector("u", "sdm", 0, 0, 3);
        UserVector narrowInterest = vector("u", "sdm", 2, 8, 3);
        narrowInterest.getInterests().set(1, floats(7, 2));
        assertRefused(emptyUser, "empty userId");
        assertRefused(emptyVector, "empty vector");
        assertRefused(narrowInterest, "an interest of width 7 beside a vector of width 8");
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            UserVector v = vector("u", "sdm", 1, 8, 3);
            v.getVector().set(5, bad);
            assertRefused(v, "non-finite");
        }
    }

    private static void assertRefused(UserVector v, String why) {
        assertThatThrownBy(() -> new UserVectorScan("sdm").scan(CODEC.encode(v)))
                .isInstanceOf(UnservableVector.class)
                .hasMessageContaining(why);
        assertThat(decodedVerdict(CODEC.encode(v), "sdm")).isEqualTo("refused");
    }

    @Test
    void everyTruncationAndATrailingByteAreRefused() {
        byte[] bytes = CODEC.encode(vector("u1", "sdm", 2, 16, 20));
        for (int length = 0; length < bytes.length; length++) {
            assertThat(scannedVerdict(Arrays.copyOf(bytes, length), "sdm"))
                    .as("the first %d of %d bytes", length, bytes.length)
                    .isEqualTo("refused");
        }
        assertThat(scannedVerdict(Arrays.copyOf(bytes, bytes.length + 1), "sdm"))
                .isEqualTo("refused");
    }

    /** Arrays in several blocks, one with a negative count and a byte size, as other Avro writers send them. */
    @Test
    void arraysInSeveralBlocksAreReadAsAvroReadsThem() throws IOException, UnservableVector {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
        e.writeString("u9");
        e.writeString("sdm");
        e.writeLong(7);
        e.writeLong(1_700_000_000_000L);
        e.writeString("e9");
        e.writeLong(-1); // interests: one block of one, with its byte size
        e.writeLong(10);
        e.writeLong(2);
        e.writeFloat(1f);
        e.writeFloat(2f);
        e.writeLong(0);
        e.writeLong(0);
        e.writeLong(1); // vector: two blocks
        e.writeFloat(3f);
        e.writeLong(-1);
        e.writeLong(4);
        e.writeFloat(4f);
        e.writeLong(0);
        e.writeLong(1); // recentItems: two blocks
        e.writeString("a");
        e.writeLong(-2);
        e.writeLong(4);
        e.writeString("b");
        e.writeString("c");
        e.writeLong(0);
        e.flush();
        byte[] bytes = out.toByteArray();

        UserVector decoded = CODEC.decode(bytes);
        assertThat(decoded.getVector()).containsExactly(3f, 4f);
        assertThat(decoded.getInterests()).containsExactly(List.of(1f, 2f));
        assertThat(decoded.getRecentItems()).containsExactly("a", "b", "c");
        UserVectorStore.EncodedVector scanned = new UserVectorScan("sdm").scan(bytes);
        assertThat(scanned.userId()).isEqualTo("u9");
        assertThat(scanned.modelVersion()).isEqualTo(7);
        assertThat(scanned.eventTime()).isEqualTo(1_700_000_000_000L);
    }

    /** Corrupt bytes of the follower's model: the scan refuses, skips or takes exactly as the full decode did. */
    @Test
    void onCorruptedRecordsTheScanDecidesAsTheFullDecodeDid() {
        Random random = new Random(15);
        byte[] original = CODEC.encode(vector("u1", "sdm", 2, 8, 5));
        int agreed = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] bytes = original.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            String decoded = decodedVerdict(bytes, "sdm");
            String scanned = scannedVerdict(bytes, "sdm");
            if (scanned.equals("skipped") && decoded.equals("refused")) {
                // its user id's length or its model name changed: another model's record, not this follower's to count
                boolean ourNameInPlace = bytes[0] == original[0]
                        && bytes[3] == original[3]
                        && Arrays.equals(bytes, 4, 7, original, 4, 7);
                assertThat(ourNameInPlace)
                        .as("record %s", Arrays.toString(bytes))
                        .isFalse();
                continue;
            }
            assertThat(scanned).as("record %s", Arrays.toString(bytes)).isEqualTo(decoded);
            agreed++;
        }
        assertThat(agreed).isGreaterThan(15_000);
    }

    /** Through the follower's selection and the store: what a request reads is the vector that was sent. */
    @Test
    void theFollowerStoresServableRecordsAsTheyCameAndCountsTheRest() {
        UserVector a = vector("a", "sdm", 1, 8, 100);
        UserVector b = vector("b", "sdm", 4, 8, 3);
        UserVector otherModel = vector("c", "sine", 4, 8, 3);
        UserVector nan = vector("d", "sdm", 1, 8, 3);
        nan.getVector().set(0, Float.NaN);
        List<byte[]> values = List.of(
                CODEC.encode(a), CODEC.encode(otherModel), CODEC.encode(nan), new byte[] {1, 2, 3}, CODEC.encode(b));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(new ConsumerRecord<>("user-vectors", 0, i, null, values.get(i)));
        }
        records.add(new ConsumerRecord<>("user-vectors", 0, 5, "tombstone".getBytes(), null));
        ServingMetrics metrics = new ServingMetrics();
        try (UserVectorStore store = new UserVectorStore(dir, 1 << 20, 1 << 20)) {
            UserVectorsFollower follower =
                    new UserVectorsFollower("localhost:9", "user-vectors", "sdm", Map.of(), store, metrics);

            List<UserVectorStore.EncodedVector> servable = follower.servable(records, 0L);
            store.writeEncoded(servable, Map.of(0, 6L));

            assertThat(servable)
                    .extracting(UserVectorStore.EncodedVector::userId)
                    .containsExactly("a", "b");
            assertThat(metrics.vectorsRefused()).isEqualTo(2);
            assertThat(store.get("a").vector()).isEqualTo(a);
            assertThat(store.get("b").vector()).isEqualTo(b);
            assertThat(store.get("b").modelVersion()).isEqualTo(b.getModelVersion());
            assertThat(store.get("c")).isNull();
            assertThat(store.get("d")).isNull();
            assertThat(store.nextOffsets()).containsEntry(0, 6L);
        }
    }
}
