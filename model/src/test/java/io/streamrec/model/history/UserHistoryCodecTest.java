package io.streamrec.model.history;

import static io.streamrec.model.history.TestEvents.minutes;
import static io.streamrec.model.history.TestEvents.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.Feature;
import io.streamrec.schemas.UserProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserHistoryCodecTest {
    private final HistoryPolicy policy = HistoryPolicy.builder().dedupMemory(3).build();

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
        history.updateProfile(new UserProfile("u1", Map.of("age", "30", "gender", "f"), 3L));
        history.apply(view("u1", "e1", "a", minutes(0)).setSessionId("s1").setShopId("shop").build(), policy);
        history.apply(view("u1", "e2", "b", minutes(1)).setBrandId("brand").setWeight(2.5).build(), policy);
        history.apply(view("u1", "e3", "c", minutes(60)).setLeafCategoryId("leaf").build(), policy);
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
        assertThat(decoded.apply(view("u1", "e4", "d", minutes(62)).build(), policy)).isEmpty();
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
