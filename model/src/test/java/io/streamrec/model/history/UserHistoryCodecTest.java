package io.streamrec.model.history;

import static io.streamrec.model.history.TestEvents.minutes;
import static io.streamrec.model.history.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UserHistoryCodecTest {
    private final HistoryPolicy policy =
            HistoryPolicy.builder().set(HistoryPolicy.DEDUP_MEMORY, 3).build();

    private static byte[] encode(UserHistory history) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        UserHistoryCodec.write(history, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static UserHistory decode(byte[] bytes) throws IOException {
        return UserHistoryCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private UserHistory populated() {
        UserHistory history = new UserHistory();
        history.updateProfile(new UserProfile("u1", new TreeMap<>(Map.of("age", "30", "gender", "f")), 3L));
        history.apply(
                view("u1", "e1", "a", minutes(0))
                        .setSessionId("s1")
                        .setShopId("shop")
                        .build(),
                policy);
        history.apply(
                view("u1", "e2", "b", minutes(1))
                        .setBrandId("brand")
                        .setWeight(2.5)
                        .build(),
                policy);
        history.apply(
                view("u1", "e3", "c", minutes(60)).setLeafCategoryId("leaf").build(), policy);
        history.apply(view("u1", "e4", "d", minutes(61)).build(), policy);
        return history;
    }

    @Test
    void aDecodedHistoryBehavesLikeTheOriginal() throws IOException {
        UserHistory original = populated();
        UserHistory decoded = decode(encode(original));

        assertThat(decoded.snapshot("u1")).isEqualTo(original.snapshot("u1"));
        assertThat(decoded.lapsesAt(policy)).isEqualTo(original.lapsesAt(policy));
        for (Feature f : Feature.values()) {
            assertThat(decoded.longTermSize(f)).isEqualTo(original.longTermSize(f));
        }
        // dedup memory and long-term timestamps survive: both histories react identically
        assertThat(decoded.apply(view("u1", "e4", "d", minutes(62)).build(), policy))
                .isEmpty();
        assertThat(decoded.apply(view("u1", "e5", "a", minutes(200)).build(), policy))
                .isEqualTo(original.apply(view("u1", "e5", "a", minutes(200)).build(), policy));
    }

    @Test
    void anEmptyHistoryRoundTrips() throws IOException {
        UserHistory decoded = decode(encode(new UserHistory()));

        assertThat(decoded.isEmpty()).isTrue();
        assertThat(decoded.snapshot("u1")).isEqualTo(new UserHistory().snapshot("u1"));
    }

    @Test
    void aCopyIsIndependent() {
        UserHistory original = populated();
        UserHistory copy = original.copy();
        copy.apply(view("u1", "e9", "z", minutes(500)).build(), policy);

        assertThat(copy.snapshot("u1")).isNotEqualTo(original.snapshot("u1"));
        assertThat(original.copy().snapshot("u1")).isEqualTo(original.snapshot("u1"));
    }

    /**
     * The format is pinned: {@code populated()} written now must give the bytes stored in the test resources, and
     * those bytes must read back. A layout change without a new version fails here; regenerate the file only together
     * with a new {@link UserHistoryCodec#FORMAT_VERSION} (and, once a build has shipped, a reader of the old one).
     */
    @Test
    void theWrittenFormatMatchesItsPinnedBytesAndReadsBack() throws IOException {
        byte[] pinned;
        try (InputStream in = Objects.requireNonNull(getClass()
                .getResourceAsStream("/history/user-history-format-" + UserHistoryCodec.FORMAT_VERSION + ".bin"))) {
            pinned = in.readAllBytes();
        }
        UserHistory original = populated();

        assertThat(pinned[0]).isEqualTo((byte) UserHistoryCodec.FORMAT_VERSION);
        assertThat(encode(original)).isEqualTo(pinned);
        UserHistory decoded = decode(pinned);
        assertThat(decoded.snapshot("u1")).isEqualTo(original.snapshot("u1"));
        assertThat(decoded.lapsesAt(policy)).isEqualTo(original.lapsesAt(policy));
        assertThat(decoded.apply(view("u1", "e3", "c", minutes(62)).build(), policy))
                .as("dedup memory")
                .isEmpty();
    }

    @Test
    void threeViewsInOneSessionTakeAtMost100Bytes() throws IOException {
        // the state benchmark's event shape; RocksDB's cost per event grows with the value
        UserHistory history = new UserHistory();
        for (int i = 0; i < 3; i++) {
            history.apply(
                    view("u-123456", "e-" + (2_000_000 + i), "i-" + (10_000 + i), minutes(0) + 7 * i)
                            .setCategoryId("c-" + (100 + i))
                            .build(),
                    policy);
        }

        assertThat(encode(history).length).isLessThanOrEqualTo(100);
    }

    @Test
    void behavioursOfAnUncodedTypeOrWithTheirOwnWeightRoundTrip() throws IOException {
        UserHistory history = new UserHistory();
        history.apply(
                view("u1", "e1", "a", minutes(0))
                        .setEventType("buy")
                        .setWeight(4.0)
                        .build(),
                policy);
        history.apply(
                view("u1", "e2", "b", minutes(1))
                        .setEventType("cart")
                        .setWeight(-0.0)
                        .build(),
                policy);
        // a type without a code keeps its name and weight
        history.session.add(new Behavior("e3", "c", "wishlist", minutes(2), null, null, null, null, null, 2.0));

        UserHistory decoded = decode(encode(history));

        assertThat(decoded.snapshot("u1").getSession())
                .isEqualTo(history.snapshot("u1").getSession());
        assertThat(Double.doubleToRawLongBits(
                        decoded.snapshot("u1").getSession().get(1).getWeight()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    /**
     * Random histories (session ids, gaps that close sessions, optional ids, weights, duplicates, a dedup
     * memory shorter than the session, profiles, expiry, lapses) survive a round trip exactly: the same
     * snapshot, the same bytes when written again, and the same reaction to the next event.
     */
    @Test
    void randomHistoriesRoundTripExactly() throws IOException {
        Random random = new Random(42);
        HistoryPolicy tight = HistoryPolicy.builder()
                .set(HistoryPolicy.DEDUP_MEMORY, 4)
                .set(HistoryPolicy.MAX_SESSION_ITEMS, 6)
                .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 5)
                .build();
        String[] types = {"view", "click", "rate", "fav", "cart", "buy"};
        for (int user = 0; user < 200; user++) {
            UserHistory history = new UserHistory();
            long time = minutes(random.nextInt(1_000));
            for (int step = 0; step < 40; step++) {
                time += random.nextInt(4) == 0 ? random.nextInt(3 * 24 * 60) * 60_000L : random.nextInt(300_000);
                if (random.nextInt(10) == 0) {
                    history.updateProfile(new UserProfile("u", Map.of("segment", "s" + random.nextInt(5)), time));
                }
                if (random.nextInt(8) == 0) {
                    history.expire(time - 1, tight);
                }
                UserEvent.Builder event = view("u", "e" + random.nextInt(60), "i" + random.nextInt(30), time)
                        .setEventType(types[random.nextInt(types.length)]);
                if (random.nextBoolean()) {
                    event.setCategoryId(null);
                }
                if (random.nextInt(3) == 0) {
                    event.setSessionId("s" + random.nextInt(3));
                }
                if (random.nextInt(3) == 0) {
                    event.setShopId("shop" + random.nextInt(4)).setBrandId("b" + random.nextInt(4));
                }
                if (random.nextInt(3) == 0) {
                    event.setLeafCategoryId("leaf" + random.nextInt(4)).setWeight(random.nextDouble() * 5);
                }
                history.apply(event.build(), tight);

                byte[] bytes = encode(history);
                UserHistory decoded = decode(bytes);
                assertThat(decoded.snapshot("u")).isEqualTo(history.snapshot("u"));
                assertThat(encode(decoded)).isEqualTo(bytes);
                assertThat(decoded.lapsesAt(tight)).isEqualTo(history.lapsesAt(tight));
                UserEvent next = view("u", "e" + random.nextInt(60), "i0", time + random.nextInt(1_000_000))
                        .build();
                Optional<HistoryStep> decodedStep = decoded.copy().apply(next, tight);
                assertThat(decodedStep).isEqualTo(history.copy().apply(next, tight));
            }
        }
    }

    @Test
    void aCorruptRecordFailsWithAnIOExceptionInsteadOfAllocatingOrMisreading() throws IOException {
        byte[] bytes = encode(populated());

        assertThatThrownBy(() -> decode(Arrays.copyOf(bytes, bytes.length - 3))).isInstanceOf(EOFException.class);
        // version, no flags, 0 sessions closed, last event time 0, session start 0, then 2^28 - 1 behaviours
        byte[] hugeSession = {
            UserHistoryCodec.FORMAT_VERSION, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F
        };
        assertThatThrownBy(() -> decode(hugeSession))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a count of");
        byte[] unknownType = encode(populated());
        int typeAt = indexOfTypeCodeOfFirstBehaviour(unknownType);
        unknownType[typeAt] = 99;
        assertThatThrownBy(() -> decode(unknownType))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("type code 99");
    }

    /** populated()'s first session behaviour is "e3" of item "c": flags, 2 "e3", 1 "c", then the type code. */
    private static int indexOfTypeCodeOfFirstBehaviour(byte[] bytes) {
        for (int i = 0; i + 6 < bytes.length; i++) {
            if (bytes[i] == 2
                    && bytes[i + 1] == 'e'
                    && bytes[i + 2] == '3'
                    && bytes[i + 3] == 1
                    && bytes[i + 4] == 'c') {
                return i + 5;
            }
        }
        throw new AssertionError("no behaviour e3 in the record");
    }

    @Test
    void anUnknownFormatVersionIsRefusedWithAHint() throws IOException {
        byte[] bytes = encode(new UserHistory());
        bytes[0] = 9;

        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 9")
                .hasMessageContaining("add a reader");
    }
}
