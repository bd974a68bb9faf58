package io.streamrec.serving.users;

import io.streamrec.model.sync.VectorRecency;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Each user's latest vector, on local disk in RocksDB (the build Flink's state backend ships, so the service and the
 * job share one native library in one JVM), with the topic offsets it has taken in the same atomic writes: a restart
 * resumes where it stopped instead of rereading the topic.
 *
 * <p>Memory stays bounded whatever the number of users: the block cache and the memtables are fixed sizes, the rest
 * is on disk. A vector is kept only if it is not older than the one held, by (model version, event time)
 * ({@link VectorRecency}), so replays and at-least-once duplicates are harmless.
 *
 * <p>Values: model version (8 bytes), event time (8 bytes), then the {@code UserVector} in Avro binary. Thread-safe
 * (RocksDB is); one thread writes.
 */
public final class UserVectorStore implements AutoCloseable {

    private static final AvroBinaryCodec<UserVector> CODEC = AvroBinaryCodec.of(UserVector.class);
    private static final byte USER = 'u';
    private static final byte OFFSET = 'o';
    private static final byte[] TOPIC_ID = {'t'};
    private static final int HEADER = 16;

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @param blockCacheBytes  the block cache (reads of users not in the memtables)
     * @param writeBufferBytes one memtable; at most two exist
     */
    public UserVectorStore(Path dir, long blockCacheBytes, long writeBufferBytes) {
        try {
            Files.createDirectories(dir);
            this.cache = new LRUCache(blockCacheBytes);
            this.bloom = new BloomFilter(10, false);
            this.options = new Options()
                    .setCreateIfMissing(true)
                    .setWriteBufferSize(writeBufferBytes)
                    .setMaxWriteBufferNumber(2)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig()
                            .setBlockCache(cache)
                            .setFilterPolicy(bloom)
                            .setCacheIndexAndFilterBlocks(true));
            this.writeOptions = new WriteOptions().setDisableWAL(false);
            this.db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the user-vector store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A user vector as stored. */
    public record Stored(long modelVersion, long eventTime, UserVector vector) {}

    /** The latest vector of {@code userId}, or null. */
    public Stored get(String userId) {
        try {
            byte[] value = db.get(userKey(userId));
            return value == null ? null : decode(value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading user " + userId + " failed: " + e.getMessage(), e);
        }
    }

    private static Stored decode(byte[] value) {
        ByteBuffer header = ByteBuffer.wrap(value, 0, HEADER);
        long version = header.getLong();
        long eventTime = header.getLong();
        byte[] avro = new byte[value.length - HEADER];
        System.arraycopy(value, HEADER, avro, 0, avro.length);
        return new Stored(version, eventTime, CODEC.decode(avro));
    }

    /**
     * A vector as it arrives on the topic: the fields the store decides by, and its Avro bytes, which are stored as
     * they came (a vector need not be decoded to be kept).
     */
    public record EncodedVector(String userId, long modelVersion, long eventTime, byte[] avro) {}

    /**
     * Keeps each vector of {@code batch} that is not older than the one held (and than any before it in the batch),
     * and records {@code nextOffsets} (partition → next offset to read), in one atomic write.
     *
     * @return how many vectors were kept
     */
    public int write(List<UserVector> batch, Map<Integer, Long> nextOffsets) {
        List<EncodedVector> encoded = new ArrayList<>(batch.size());
        for (UserVector v : batch) {
            encoded.add(new EncodedVector(v.getUserId(), v.getModelVersion(), v.getEventTime(), CODEC.encode(v)));
        }
        return writeEncoded(encoded, nextOffsets);
    }

    /**
     * {@link #write} for vectors still in their Avro bytes, which must be valid {@code UserVector}s whose user id,
     * model version and event time are the ones given beside them.
     */
    public int writeEncoded(List<EncodedVector> batch, Map<Integer, Long> nextOffsets) {
        Map<String, EncodedVector> newest = new LinkedHashMap<>();
        for (EncodedVector v : batch) {
            newest.merge(v.userId(), v, (held, next) -> replaces(next, held) ? next : held);
        }
        List<byte[]> keys = new ArrayList<>(newest.size());
        for (String user : newest.keySet()) {
            keys.add(userKey(user));
        }
        try (WriteBatch write = new WriteBatch()) {
            List<byte[]> held = keys.isEmpty() ? List.of() : db.multiGetAsList(keys);
            int kept = 0;
            int i = 0;
            for (EncodedVector v : newest.values()) {
                byte[] old = held.get(i);
                if (old == null || replaces(v, ByteBuffer.wrap(old, 0, HEADER))) {
                    write.put(keys.get(i), value(v));
                    kept++;
                }
                i++;
            }
            for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                write.put(
                        offsetKey(e.getKey()),
                        ByteBuffer.allocate(8).putLong(0, e.getValue()).array());
            }
            db.write(writeOptions, write);
            return kept;
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing user vectors failed: " + e.getMessage(), e);
        }
    }

    private static boolean replaces(EncodedVector next, EncodedVector held) {
        return VectorRecency.replaces(next.modelVersion(), next.eventTime(), held.modelVersion(), held.eventTime());
    }

    private static boolean replaces(EncodedVector next, ByteBuffer heldHeader) {
        long heldVersion = heldHeader.getLong(0);
        long heldEventTime = heldHeader.getLong(8);
        return VectorRecency.replaces(next.modelVersion(), next.eventTime(), heldVersion, heldEventTime);
    }

    private static byte[] value(EncodedVector v) {
        return ByteBuffer.allocate(HEADER + v.avro().length)
                .putLong(v.modelVersion())
                .putLong(v.eventTime())
                .put(v.avro())
                .array();
    }

    /** The next offset to read per partition, as last written; empty for a new store. */
    public Map<Integer, Long> nextOffsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {OFFSET}); it.isValid() && it.key()[0] == OFFSET; it.next()) {
                byte[] key = it.key();
                int partition = ByteBuffer.wrap(key, 1, 4).getInt();
                offsets.put(partition, ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return offsets;
    }

    /** The id of the topic the stored vectors and offsets came from, or null for a new store. */
    public String topicId() {
        try {
            byte[] id = db.get(TOPIC_ID);
            return id == null ? null : new String(id, StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading the store's topic id failed: " + e.getMessage(), e);
        }
    }

    /**
     * Forgets every vector and offset and records {@code topicId}: for a topic that is not the one the store was
     * filled from (deleted and created again, or a new broker), whose offsets and versions mean nothing here.
     */
    public void resetFor(String topicId) {
        try {
            db.deleteRange(new byte[] {0}, new byte[] {(byte) 0xFF});
            db.put(TOPIC_ID, topicId.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new IllegalStateException("resetting the user-vector store failed: " + e.getMessage(), e);
        }
    }

    /** RocksDB's estimate of the users held. */
    public long estimatedUsers() {
        try {
            return Math.max(
                    0,
                    db.getLongProperty("rocksdb.estimate-num-keys")
                            - nextOffsets().size());
        } catch (RocksDBException e) {
            return -1;
        }
    }

    /** Bytes of memory the store uses now: memtables, block cache, index and filter blocks, table readers. */
    public long memoryBytes() {
        try {
            return db.getLongProperty("rocksdb.cur-size-all-mem-tables")
                    + db.getLongProperty("rocksdb.block-cache-usage")
                    + db.getLongProperty("rocksdb.estimate-table-readers-mem");
        } catch (RocksDBException e) {
            return -1;
        }
    }

    private static byte[] userKey(String userId) {
        byte[] id = userId.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[id.length + 1];
        key[0] = USER;
        System.arraycopy(id, 0, key, 1, id.length);
        return key;
    }

    private static byte[] offsetKey(int partition) {
        return ByteBuffer.allocate(5).put(OFFSET).putInt(partition).array();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
        bloom.close();
        cache.close();
    }
}
