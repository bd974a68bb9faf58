package io.streamrec.launcher.cli;

import io.streamrec.config.Durations;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How often a long command prints a progress line: shared by {@code run} and {@code produce}. */
public final class ProgressOptions {

    /** Between two progress lines when none is given. */
    static final String DEFAULT_INTERVAL = "5s";

    @Option(
            names = "--progress-interval",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            defaultValue = DEFAULT_INTERVAL,
            description = "Time between progress lines. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    /** The interval; positive. */
    Duration interval() {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("--progress-interval is " + Durations.format(interval)
                    + ": set it to a positive time, e.g. " + DEFAULT_INTERVAL);
        }
        return interval;
    }
}
