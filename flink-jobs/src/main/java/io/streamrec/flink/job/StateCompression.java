package io.streamrec.flink.job;

import org.rocksdb.CompressionType;

/** How RocksDB compresses the job's state files ({@code state.backend.rocksdb.compression.per.level}). */
public enum StateCompression {
    /** Fastest reads, largest files and checkpoints. */
    NONE(CompressionType.NO_COMPRESSION),
    /** Flink's default. */
    SNAPPY(CompressionType.SNAPPY_COMPRESSION),
    /** Cheaper to decompress than Snappy, which every history read from a file pays. */
    LZ4(CompressionType.LZ4_COMPRESSION);

    private final CompressionType rocksdbType;

    StateCompression(CompressionType rocksdbType) {
        this.rocksdbType = rocksdbType;
    }

    public CompressionType rocksdbType() {
        return rocksdbType;
    }
}
