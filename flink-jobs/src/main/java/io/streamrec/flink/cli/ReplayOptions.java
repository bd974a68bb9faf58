package io.streamrec.flink.cli;

import io.streamrec.flink.runtime.EventEncoders;
import io.streamrec.flink.runtime.EventReplayer;
import io.streamrec.schemas.ingest.WireFormat;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How events are replayed into Kafka: shared by {@code run} and {@code produce}. */
public final class ReplayOptions {

    @Option(names = "--format", defaultValue = "JSON", paramLabel = "FORMAT",
            description = "Wire format of the events: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    WireFormat format;

    @Option(names = "--speedup", paramLabel = "X",
            description = "Replay in event time, X times faster than real time (e.g. 86400 plays a day per"
                    + " second). Default: as fast as possible.")
    Double speedup;

    EventReplayer replayer(DatasetOptions dataset) {
        return new EventReplayer(EventEncoders.forFormat(format), Optional.ofNullable(speedup), dataset.limit());
    }
}
