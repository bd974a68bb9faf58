package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.sync.UpdateDecoder;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ModelUpdateDeserializationSchemaTest {

    private static ModelUpdate delta() {
        return ModelUpdate.newBuilder()
                .setModelName("sdm")
                .setVersion(7)
                .setBaseVersion(6L)
                .setKind(UpdateKind.DELTA)
                .setCreatedAt(1L)
                .build();
    }

    @Test
    void aRecordThatIsNotAModelUpdateIsSkippedAndCountedWhileGoodOnesPass() throws Exception {
        ModelUpdateDeserializationSchema schema = new ModelUpdateDeserializationSchema();
        schema.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return new UnregisteredMetricsGroup();
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });
        byte[] good = UpdateDecoder.encode(delta());
        List<ModelUpdate> out = new ArrayList<>();
        Collector<ModelUpdate> collector = new Collector<>() {
            @Override
            public void collect(ModelUpdate record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };

        long offset = 0;
        for (byte[] value : List.of(
                Arrays.copyOf(good, good.length - 3), "{\"modelName\":\"sdm\"}".getBytes(), new byte[0], good)) {
            schema.deserialize(new ConsumerRecord<>("model-updates", 0, offset++, "sdm".getBytes(), value), collector);
        }
        schema.deserialize(new ConsumerRecord<>("model-updates", 0, offset, null, null), collector);

        assertThat(out).containsExactly(delta());
        assertThat(schema.corrupt()).isEqualTo(4);
    }
}
