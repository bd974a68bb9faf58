package io.streamrec.model.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicVocabularyTest {

    @Test
    void growsOneRowPerNewIdAndKeepsRowZeroForPaddingAndUnknowns() {
        DynamicVocabulary v = new DynamicVocabulary("item", 10);
        assertThat(v.admit("a", 1)).isEqualTo(1);
        assertThat(v.admit("b", 1)).isEqualTo(2);
        assertThat(v.admit("a", 2)).isEqualTo(1);
        assertThat(v.admit(null, 2)).isEqualTo(DynamicVocabulary.PADDING_ROW);
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.rowOf("b")).isEqualTo(2);
        assertThat(v.rowOf("never")).isEqualTo(DynamicVocabulary.PADDING_ROW);
        assertThat(v.rowOf(null)).isEqualTo(DynamicVocabulary.PADDING_ROW);
        assertThat(v.idAt(1)).isEqualTo("a");
        assertThat(v.idAt(0)).isNull();
        assertThat(v.lastSeen(1)).isEqualTo(2);
    }

    @Test
    void whenFullEvictsTheIdLeastRecentlySeenByTrainingStepAndLogsATombstone() {
        DynamicVocabulary v = new DynamicVocabulary("item", 3);
        List<Integer> assigned = new ArrayList<>();
        v.onRowAssigned(assigned::add);
        v.admit("a", 1);
        v.admit("b", 2);
        v.admit("c", 3);
        v.admit("a", 4); // a is now the most recent; b is the coldest
        v.rowOf("b"); // read-only lookups do not count as seen
        int row = v.admit("d", 5);

        assertThat(row).isEqualTo(2);
        assertThat(v.rowOf("b")).isEqualTo(DynamicVocabulary.PADDING_ROW);
        assertThat(v.rowOf("d")).isEqualTo(2);
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.evictionsAfter(4)).containsExactly(new Eviction("b", 2, 5));
        assertThat(v.evictionsAfter(5)).isEmpty();
        assertThat(assigned).containsExactly(1, 2, 3, 2);

        v.admit("e", 6); // next coldest is c (step 3)
        assertThat(v.rowOf("c")).isZero();
        assertThat(v.evictionsAfter(4)).extracting(Eviction::id).containsExactly("b", "c");
        v.forgetEvictionsUpTo(5);
        assertThat(v.evictionsAfter(0)).extracting(Eviction::id).containsExactly("c");
    }

    @Test
    void removedIdsFreeTheirRowsForTheNextNewId() {
        DynamicVocabulary v = new DynamicVocabulary("brand", 2);
        v.admit("a", 1);
        v.admit("b", 1);
        assertThat(v.remove("a")).isEqualTo(1);
        assertThat(v.remove("zzz")).isZero();
        assertThat(v.admit("c", 2)).isEqualTo(1);
        assertThat(v.evictionsAfter(0)).as("a removal is not an eviction").isEmpty();
    }

    @Test
    void serialisationRestoresRowsRecencyFreeRowsAndTheEvictionLogExactly() throws IOException {
        DynamicVocabulary v = new DynamicVocabulary("shop", 4);
        for (String id : List.of("a", "b", "c", "d")) {
            v.admit(id, id.charAt(0));
        }
        v.admit("a", 200);
        v.admit("e", 201); // evicts b
        v.remove("c");

        DynamicVocabulary restored = roundTrip(v);

        assertThat(restored.name()).isEqualTo("shop");
        assertThat(restored.capacity()).isEqualTo(4);
        for (String id : List.of("a", "b", "c", "d", "e")) {
            assertThat(restored.rowOf(id)).as(id).isEqualTo(v.rowOf(id));
        }
        assertThat(restored.idsColdestFirst()).containsExactlyElementsOf(v.idsColdestFirst());
        assertThat(restored.evictionsAfter(0)).isEqualTo(v.evictionsAfter(0));
        // same future: the freed row is reused first, then the coldest (d) is evicted
        assertThat(restored.admit("f", 300)).isEqualTo(v.admit("f", 300));
        assertThat(restored.admit("g", 301)).isEqualTo(v.admit("g", 301));
        assertThat(restored.evictionsAfter(300))
                .isEqualTo(v.evictionsAfter(300))
                .extracting(Eviction::id)
                .containsExactly("d");
    }

    @Test
    void rejectsACapacityBelowOne() {
        assertThatThrownBy(() -> new DynamicVocabulary("item", 0)).hasMessageContaining("capacity of at least 1");
    }

    private static DynamicVocabulary roundTrip(DynamicVocabulary v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        v.writeTo(new DataOutputStream(bytes));
        return DynamicVocabulary.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
