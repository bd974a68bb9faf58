package io.streamrec.flink.job;

/** Where the job's sources start reading a topic. */
public enum StartingOffsets {
    /** The beginning of each partition: replays everything retained (the default). */
    EARLIEST,
    /** The end of each partition: only events produced after the job starts. */
    LATEST,
    /** The consumer group's committed offsets, or the beginning where there are none. */
    COMMITTED
}
