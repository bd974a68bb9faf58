package io.streamrec.flink.state;

import java.util.Collection;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * The RocksDB option that Flink's configuration cannot set: a whole-key Bloom filter on each memtable.
 * Most history reads are of users written before the last checkpoint flushed the memtable, so they miss
 * the current one, and without the filter each miss searches its skip list first (what that costs:
 * docs/benchmarks.md, "Measurements behind the code's choices"). Flink applies its configurable options
 * before this factory and its managed-memory settings after it, so both still hold.
 */
public final class MemtableBloomOptionsFactory implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;

    /**
     * Share of each memtable's memory given to its filter. RocksDB allocates and zeroes the whole filter
     * with every new memtable, so at every checkpoint, on the task thread, which a large ratio makes
     * visible in the state benchmark. At 0.02 it is 5 MB per 256 MB memtable and column family, still over
     * 10 bits per entry for a memtable filled with two million entries, far more than a checkpoint interval
     * writes.
     */
    static final double MEMTABLE_BLOOM_SIZE_RATIO = 0.02;

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(
            ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions
                .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_SIZE_RATIO)
                .setMemtableWholeKeyFiltering(true);
    }
}
