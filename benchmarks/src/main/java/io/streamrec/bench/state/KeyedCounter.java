package io.streamrec.bench.state;

import io.streamrec.schemas.SourcedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** The baseline: the least a keyed stateful operator can do per event, one read and one write of a counter. */
final class KeyedCounter extends KeyedProcessFunction<String, SourcedEvent, Long> {
    private static final long serialVersionUID = 1L;
    private static final ValueStateDescriptor<Long> COUNT =
            new ValueStateDescriptor<>("count", LongSerializer.INSTANCE);

    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext openContext) {
        count = getRuntimeContext().getState(COUNT);
    }

    @Override
    public void processElement(SourcedEvent event, Context ctx, Collector<Long> out) throws Exception {
        Long current = count.value();
        long next = current == null ? 1 : current + 1;
        count.update(next);
        out.collect(next);
    }
}
