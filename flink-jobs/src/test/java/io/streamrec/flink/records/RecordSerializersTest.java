package io.streamrec.flink.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.HistoryStep;
import io.streamrec.model.history.UserHistory;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RecordSerializersTest {

    private static final HistoryPolicy POLICY = HistoryPolicy.builder()
            .set(HistoryPolicy.SESSION_GAP, Duration.ofMinutes(10))
            .build();

    /** Serialise, copy in serialised form, deserialise. */
    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        return serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()));
    }

    /** The steps of a user with two sessions (so a long-term history), a profile, and sparse side information. */
    private static List<HistoryStep> steps() {
        UserHistory history = new UserHistory();
        history.updateProfile(new UserProfile("u1", Map.of("gender", "f", "age", "30-39"), 1L));
        List<HistoryStep> steps = new ArrayList<>();
        long t = 1_700_000_000_000L;
        for (int i = 0; i < 7; i++) {
            UserEvent.Builder event = UserEvent.newBuilder()
                    .setEventId("e" + i)
                    .setUserId("u1")
                    .setItemId("i" + i)
                    .setEventType(i % 2 == 0 ? "view" : "buy")
                    .setTimestamp(t + i * 60_000L)
                    .setSessionId(i < 4 ? "a" : "b")
                    .setCategoryId(i % 3 == 0 ? null : "c" + i)
                    .setShopId("s\u00e9" + i)
                    .setWeight(i == 5 ? 0.25 : null);
            steps.add(history.apply(event.build(), POLICY).orElseThrow());
        }
        return steps;
    }

    @Test
    void aFeatureSnapshotKeepsEveryFieldThroughSerialisationAndCopy() throws IOException {
        for (HistoryStep step : steps()) {
            FeatureSnapshot after = step.after();
            assertThat(roundTrip(new FeatureSnapshotSerializer(), after)).isEqualTo(after);
            assertThat(new FeatureSnapshotSerializer().copy(after)).isEqualTo(after);
        }
        FeatureSnapshot last = steps().get(6).after();
        assertThat(last.getLongTerm().getItem()).isNotEmpty();
        assertThat(last.getProfile()).hasSize(2);
        FeatureSnapshot empty = new FeatureSnapshot(
                "u\u4e2d",
                "",
                0L,
                List.of(),
                new LongTermFeatures(List.of(), List.of(), List.of(), List.of(), List.of()),
                Map.of(),
                0L,
                0L);
        assertThat(roundTrip(new FeatureSnapshotSerializer(), empty)).isEqualTo(empty);
    }

    @Test
    void aTrainingExampleKeepsItsContextAndTarget() throws IOException {
        for (HistoryStep step : steps()) {
            TrainingExample example = step.example();
            assertThat(roundTrip(new TrainingExampleSerializer(), example)).isEqualTo(example);
            assertThat(new TrainingExampleSerializer().copy(example)).isEqualTo(example);
        }
    }

    @Test
    void aCopySharesNoMutableStateWithItsOriginal() {
        FeatureSnapshot original = steps().get(6).after();
        FeatureSnapshot copy = new FeatureSnapshotSerializer().copy(original);
        copy.getSession().get(0).setItemId("changed");
        copy.getSession().clear();
        copy.getLongTerm().getItem().clear();
        assertThat(original.getSession()).isNotEmpty();
        assertThat(original.getSession().get(0).getItemId()).isEqualTo("i4");
        assertThat(original.getLongTerm().getItem()).isNotEmpty();
    }

    @Test
    void theSnapshotsRestoreTheSameSerializersAsCompatible() throws IOException {
        for (TypeSerializer<?> serializer : List.of(new FeatureSnapshotSerializer(), new TrainingExampleSerializer())) {
            assertRestores(serializer);
        }
    }

    private static <T> void assertRestores(TypeSerializer<T> serializer) throws IOException {
        TypeSerializerSnapshot<T> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<T> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                getClass(serializer).getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<T> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    private static Class<?> getClass(Object o) {
        return o.getClass();
    }

    @Test
    void aRecordOfAnotherFormatIsRefusedWithTheFormatNamed() {
        assertThatThrownBy(() -> new FeatureSnapshotSerializer().deserialize(new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 9");
    }

    @Test
    void theJobsTypeInformationAnswersWithTheExplicitSerializersAnInstancePerCaller() {
        TypeSerializer<FeatureSnapshot> snapshots =
                Records.featureSnapshots().createSerializer(new SerializerConfigImpl());
        assertThat(snapshots)
                .isInstanceOf(FeatureSnapshotSerializer.class)
                .isNotSameAs(Records.featureSnapshots().createSerializer(new SerializerConfigImpl()));
        TypeSerializer<TrainingExample> examples =
                Records.trainingExamples().createSerializer(new SerializerConfigImpl());
        assertThat(examples)
                .isInstanceOf(TrainingExampleSerializer.class)
                .isNotSameAs(Records.trainingExamples().createSerializer(new SerializerConfigImpl()));
    }

    /** Each instance reads strings into a buffer of its own, so two threads must never share one. */
    @Test
    void aDuplicateIsANewEqualInstance() {
        for (TypeSerializer<?> serializer : List.of(new FeatureSnapshotSerializer(), new TrainingExampleSerializer())) {
            assertThat(serializer.duplicate())
                    .isNotSameAs(serializer)
                    .isEqualTo(serializer)
                    .hasSameHashCodeAs(serializer);
        }
        assertThat(new FeatureSnapshotSerializer()).isNotEqualTo(new TrainingExampleSerializer());
    }

    /** One instance, its string buffer reused record after record: no characters of a longer string leak into the next. */
    @Test
    void recordsReadOneAfterAnotherByOneInstanceKeepTheirOwnStrings() throws IOException {
        FeatureSnapshotSerializer serializer = new FeatureSnapshotSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        List<FeatureSnapshot> written = new ArrayList<>();
        for (HistoryStep step : steps()) {
            written.add(step.after());
        }
        FeatureSnapshot longIds = new FeatureSnapshot(
                "u-" + "x".repeat(5_000),
                "e-" + "\u4e2d".repeat(300),
                1L,
                List.of(),
                new LongTermFeatures(List.of("i-" + "y".repeat(3_000)), List.of(), List.of(), List.of(), List.of()),
                Map.of("k", "v".repeat(100)),
                0L,
                0L);
        written.add(2, longIds);
        for (FeatureSnapshot s : written) {
            serializer.serialize(s, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (FeatureSnapshot s : written) {
            assertThat(serializer.deserialize(in)).isEqualTo(s);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void sessionTimesBeforeTheSessionStartStillRoundTrip() throws IOException {
        Behavior earlier = new Behavior("e", "i", "view", 5L, null, null, null, null, null, 1.0);
        Behavior later = new Behavior("f", "j", "view", 1L << 40, null, null, null, null, null, 1.0);
        FeatureSnapshot odd = new FeatureSnapshot(
                "u",
                "f",
                1L << 40,
                List.of(later, earlier),
                new LongTermFeatures(List.of("x"), List.of(), List.of(), List.of(), List.of()),
                Map.of(),
                100L,
                3L);
        assertThat(roundTrip(new FeatureSnapshotSerializer(), odd)).isEqualTo(odd);
    }
}
