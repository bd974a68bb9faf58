package io.streamrec.launcher.cli;

import io.streamrec.launcher.runtime.EventEncoders;
import io.streamrec.launcher.runtime.EventReplayer;
import io.streamrec.launcher.runtime.ReplayPace;
import io.streamrec.schemas.ingest.WireFormat;
import picocli.CommandLine.Option;

/** How fast events are replayed into Kafka: shared by {@code run} and {@code produce}. */
public final class ReplayOptions {

    @Option(
            names = "--speedup",
            paramLabel = "X",
            description = "Replay in event time, X times faster than real time (e.g. 86400 plays a day per"
                    + " second). Default: as fast as possible.")
    Double speedup;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_SEC",
            description = "Replay at this constant wall-clock rate (events per second), whatever the events' times:"
                    + " the offered load of a throughput test. Excludes --speedup. Default: as fast as possible.")
    Double rate;

    /** Replays {@code dataset}'s events in {@code format} at the pace these options ask for. */
    EventReplayer replayer(WireFormat format, DatasetOptions dataset) {
        return new EventReplayer(EventEncoders.forFormat(format), pace(), dataset.limit());
    }

    /** The pacing the options ask for; both {@code --speedup} and {@code --rate} is a mistake. */
    ReplayPace pace() {
        if (speedup != null && rate != null) {
            throw new IllegalArgumentException(
                    "--speedup paces by event time and --rate by wall clock;" + " give one of them");
        }
        if (rate != null) {
            return ReplayPace.wallClockRate(rate);
        }
        return speedup == null ? ReplayPace.AS_FAST_AS_POSSIBLE : ReplayPace.eventTime(speedup);
    }
}
