package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamrec.model.FrozenState;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

class TrainerCheckpointTest {

    private static final int CHUNK = 64 * 1024;

    /** A frozen state of {@code chunks} × 64 KiB, every chunk the same array: writing it allocates nothing itself. */
    private static FrozenState chunksOf(byte[] chunk, int chunks) {
        return out -> {
            for (int c = 0; c < chunks; c++) {
                out.write(chunk);
            }
        };
    }

    private static byte[] chunk() {
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        return chunk;
    }

    @Test
    void aFrozenCopyIsWrittenAsItsLengthThenItsBytesAndReadsBackAsTheSameBytes() throws IOException {
        FrozenState frozen = chunksOf(chunk(), 5);
        DataOutputSerializer out = new DataOutputSerializer(1024);

        TrainerCheckpoint.Serializer.INSTANCE.serialize(TrainerCheckpoint.of(frozen), out);

        TrainerCheckpoint read =
                TrainerCheckpoint.Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.bytes()).isEqualTo(frozen.toBytes()).hasSize(5 * CHUNK);
        assertThat(out.length()).isEqualTo(Integer.BYTES + 5 * CHUNK);
    }

    @Test
    void aRestoredEntryIsWrittenAgainUnchanged() throws IOException {
        byte[] bytes = Arrays.copyOf(chunk(), 1000);
        DataOutputSerializer out = new DataOutputSerializer(16);

        TrainerCheckpoint.Serializer.INSTANCE.serialize(TrainerCheckpoint.restored(bytes), out);

        assertThat(TrainerCheckpoint.Serializer.INSTANCE
                        .deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))
                        .bytes())
                .isEqualTo(bytes);
    }

    @Test
    void writingA64MegabyteCheckpointAllocatesNoArrayAnywhereNearItsSize() throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count a thread's allocations");
        threads.setThreadAllocatedMemoryEnabled(true);
        int chunks = 1024; // 64 MiB
        FrozenState frozen = chunksOf(chunk(), chunks);
        DataOutputViewStreamWrapper discard = new DataOutputViewStreamWrapper(OutputStream.nullOutputStream());
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        TrainerCheckpoint.Serializer.INSTANCE.serialize(TrainerCheckpoint.of(frozen), discard);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated)
                .as(
                        "bytes allocated to write a %d-byte checkpoint (holding it in one array costs at least that)",
                        (long) chunks * CHUNK)
                .isLessThan(4L * 1024 * 1024);
    }

    @Test
    void aFrozenCopyThatWritesOtherBytesThanItCountedIsRefusedNotWrittenShort() {
        AtomicInteger calls = new AtomicInteger();
        byte[] chunk = chunk();
        FrozenState unstable = out -> out.write(chunk, 0, calls.incrementAndGet() == 1 ? 100 : 90);
        DataOutputSerializer out = new DataOutputSerializer(256);

        assertThatThrownBy(() -> TrainerCheckpoint.Serializer.INSTANCE.serialize(TrainerCheckpoint.of(unstable), out))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrote 90 bytes after counting 100");
    }

    @Test
    void stateBeyondTheLengthFieldIsRefusedWithWhatToChange() {
        assertThatThrownBy(() -> TrainerState.lengthField(3L << 30, "the trainer's state"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("3221225472 bytes")
                .hasMessageContaining("lower the vocabulary capacities");
    }
}
