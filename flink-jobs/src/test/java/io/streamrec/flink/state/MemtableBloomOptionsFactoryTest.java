package io.streamrec.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.RocksDB;

class MemtableBloomOptionsFactoryTest {

    @Test
    void everyColumnFamilyGetsAWholeKeyMemtableFilter() {
        RocksDB.loadLibrary();
        try (ColumnFamilyOptions options = new ColumnFamilyOptions()) {
            assertThat(options.memtableWholeKeyFiltering())
                    .as("RocksDB's default")
                    .isFalse();

            ColumnFamilyOptions set = new MemtableBloomOptionsFactory().createColumnOptions(options, new ArrayList<>());

            assertThat(set.memtableWholeKeyFiltering()).isTrue();
            assertThat(set.memtablePrefixBloomSizeRatio())
                    .as("a zero ratio would leave the memtable without a filter")
                    .isEqualTo(MemtableBloomOptionsFactory.MEMTABLE_BLOOM_SIZE_RATIO);
        }
    }
}
