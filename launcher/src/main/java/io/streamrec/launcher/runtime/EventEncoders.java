package io.streamrec.launcher.runtime;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.ingest.WireFormat;
import java.util.function.Function;

/** How a replayed event is written on the events topic, for each wire format the job reads. */
public final class EventEncoders {

    private EventEncoders() {}

    public static Function<UserEvent, byte[]> forFormat(WireFormat format) {
        return switch (format) {
            case JSON -> JsonCodecs.USER_EVENT::encode;
            case AVRO -> AvroBinaryCodec.of(UserEvent.class)::encode;
        };
    }
}
