package io.streamrec.flink.ingest;

import io.streamrec.model.sync.RefusedUpdateException;
import io.streamrec.model.sync.UpdateDecoder;
import io.streamrec.model.sync.UpdateRefusalLog;
import io.streamrec.schemas.ModelUpdate;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes {@code model-updates} records and never throws: a record that is not a {@link ModelUpdate} (cut short,
 * corrupted, written by something else) is skipped, counted ({@code modelUpdatesCorrupt} in the source's metric group)
 * and logged with its partition, offset and what is wrong. The encoders keep their model; the next good FULL on the
 * topic replaces whatever the bad record was part of. Left to throw, such a record would fail the job at the same
 * offset after every restart.
 */
public final class ModelUpdateDeserializationSchema implements KafkaRecordDeserializationSchema<ModelUpdate> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateDeserializationSchema.class);

    private transient Counter corrupt;
    private transient UpdateRefusalLog refusalLog;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        corrupt = context.getMetricGroup().counter("modelUpdatesCorrupt");
        refusalLog = new UpdateRefusalLog(LOG, "the model-updates source");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ModelUpdate> out) {
        ModelUpdate chunk;
        try {
            chunk = UpdateDecoder.decode(
                    record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
        } catch (RefusedUpdateException e) {
            corrupt.inc();
            refusalLog.refused(e.refusal(), 0);
            return;
        }
        out.collect(chunk);
    }

    /** Records skipped so far. */
    long corrupt() {
        return corrupt.getCount();
    }

    @Override
    public TypeInformation<ModelUpdate> getProducedType() {
        return new AvroTypeInfo<>(ModelUpdate.class);
    }
}
