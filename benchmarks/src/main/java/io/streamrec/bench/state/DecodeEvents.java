package io.streamrec.bench.state;

import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.EventDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Decodes and validates JSON event bytes with the ingestion {@link EventDecoder}; invalid ones are counted and dropped. */
final class DecodeEvents extends ProcessFunction<byte[], SourcedEvent> {
    private static final long serialVersionUID = 1L;
    static final String SOURCE_TOPIC = "synthetic-events";

    private transient EventDecoder decoder;
    private transient long offset;

    @Override
    public void open(OpenContext openContext) {
        decoder = new EventDecoder(WireFormat.JSON);
    }

    @Override
    public void processElement(byte[] value, Context ctx, Collector<SourcedEvent> out) {
        DecodeResult<UserEvent> result = decoder.decode(null, value);
        if (!result.isValid()) {
            throw new IllegalStateException("the synthetic generator wrote an invalid event: " + result);
        }
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        out.collect(new SourcedEvent(result.value(), ByteBuffer.wrap(value), SOURCE_TOPIC, subtask, offset++));
    }
}
