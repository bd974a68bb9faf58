package io.streamrec.flink.state;

import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserProfile;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Runs {@link UserStateFunction} with event time taken from the event input alone.
 *
 * <p>Profiles are a changelog, not a time series, so the profile input counts as idle for event time
 * from the start and its watermarks and status changes are ignored. Letting it take part breaks either
 * way: without watermarks it holds event time back forever; with a generator that never holds back (or
 * an empty source that finishes, whose watermark is then {@code Long.MAX_VALUE}) the operator's
 * watermark jumps to {@code Long.MAX_VALUE} as soon as the event input goes idle, which fires every
 * cleanup timer, clears all user state and dead-letters every later event as late.
 */
public final class UserStateOperator
        extends KeyedCoProcessOperator<String, SourcedEvent, UserProfile, FeatureSnapshot> {
    private static final long serialVersionUID = 1L;

    /** {@code AbstractStreamOperator} numbers the inputs of a two-input operator from 0. */
    private static final int PROFILE_INPUT = 1;

    public UserStateOperator(UserStateFunction function) {
        super(function);
    }

    /**
     * Keys both streams by userId and adds the user-state operator; its side outputs are
     * {@link UserStateFunction#TRAINING_EXAMPLES} and {@link UserStateFunction#DEAD_LETTERS}.
     * {@code events} must carry watermarks from the event timestamps; {@code profiles} need none.
     */
    public static SingleOutputStreamOperator<FeatureSnapshot> apply(
            DataStream<SourcedEvent> events, DataStream<UserProfile> profiles, HistoryPolicy policy) {
        return events.keyBy(sourced -> sourced.getEvent().getUserId(), Types.STRING)
                .connect(profiles.keyBy(UserProfile::getUserId, Types.STRING))
                .transform("user state", new AvroTypeInfo<>(FeatureSnapshot.class),
                        new UserStateOperator(new UserStateFunction(policy)));
    }

    @Override
    public void open() throws Exception {
        super.open();
        super.processWatermarkStatus(WatermarkStatus.IDLE, PROFILE_INPUT);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // profiles carry no event time
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int inputIndex) throws Exception {
        if (inputIndex != PROFILE_INPUT) {
            super.processWatermarkStatus(status, inputIndex);
        }
    }
}
