package io.streamrec.flink.encode;

import ai.djl.pytorch.jni.JniUtils;
import io.streamrec.model.sync.EncoderReplica;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;

/**
 * The model an encoder subtask encodes with, kept current without stalling the task thread for long.
 *
 * <p>Applying a FULL snapshot means building a whole new model (every embedding row, every dense parameter), which
 * grows with the catalogue: on this 2-core machine under load, 40-200 ms for 10k items and 0.3-1.6 s for 100k items
 * (SDM, D=64). Done on the task thread, that would stop the vector path for as long. So the chunks of a FULL newer
 * than anything held are applied to a fresh {@link EncoderReplica} on one background thread, while the task thread
 * goes on encoding with the current replica; {@link #swapIfAssembled()}, called by the task thread at batch
 * boundaries, swaps the new replica in once it is complete (a reference swap: under 1 ms measured). The price is a
 * second copy of the weights while a FULL is assembled. Deltas are small and apply on the task thread: to
 * the current replica at once, and, while a FULL is being assembled, again to the new replica when it is swapped in
 * (a delta based on the new FULL is held by the current replica, which the swap then discards).
 *
 * <p>Not thread-safe: every method is called by the task thread; only the replica being assembled is touched by the
 * background thread, and only until its last chunk's task has completed.
 */
final class SwappableReplica implements AutoCloseable {

    /**
     * What a swap changed, for the operator's log and metrics.
     *
     * @param refused why each chunk that arrived during the assembly and that the new replica refused was refused
     */
    record Swap(long previousVersion, long version, long assemblyMillis, boolean first, List<String> refused) {}

    private final Supplier<EncoderReplica> newReplica;
    private final ExecutorService assembler;
    private EncoderReplica current;

    private EncoderReplica next;
    private long nextVersion;
    /** Completes when the last submitted chunk is applied: true once {@link #next} holds the whole FULL. */
    private CompletableFuture<Boolean> nextComplete;

    private long assemblyNanos;
    private final List<ModelUpdate> arrivedDuringAssembly = new ArrayList<>();

    SwappableReplica(Supplier<EncoderReplica> newReplica, String threadName) {
        this.newReplica = newReplica;
        this.assembler = Executors.newSingleThreadExecutor(new ExecutorThreadFactory(threadName));
        this.current = newReplica.get();
    }

    /**
     * Takes one chunk. A chunk of a FULL goes to the background assembly of its version if that is newer than every
     * version held (replacing the assembly of an older FULL still in progress), and is dropped as stale otherwise; a
     * delta applies to the current replica now.
     *
     * @throws RuntimeException if the current replica refuses the delta (the replica keeps its version)
     */
    void accept(ModelUpdate chunk) {
        if (chunk.getKind() == UpdateKind.FULL) {
            assemble(chunk);
            return;
        }
        if (next != null) {
            arrivedDuringAssembly.add(chunk);
        }
        current.apply(chunk);
    }

    private void assemble(ModelUpdate chunk) {
        long version = chunk.getVersion();
        if (version <= current.version() || (next != null && version < nextVersion)) {
            return;
        }
        if (next == null || version > nextVersion) {
            abandonAssembly();
            next = newReplica.get();
            nextVersion = version;
            assemblyNanos = 0;
        }
        EncoderReplica target = next;
        nextComplete = CompletableFuture.supplyAsync(
                () -> {
                    long started = System.nanoTime();
                    JniUtils.setGradMode(false);
                    target.apply(chunk);
                    assemblyNanos += System.nanoTime() - started;
                    return target.ready();
                },
                assembler);
    }

    /** True while a FULL snapshot is being assembled off the task thread. */
    boolean assembling() {
        return next != null;
    }

    /**
     * Swaps in the FULL being assembled if it is complete, then applies the chunks that arrived meanwhile.
     *
     * @return what changed, or null if nothing did
     * @throws IllegalArgumentException if the assembly failed (the FULL is dropped; the current replica stays)
     */
    Swap swapIfAssembled() {
        if (next == null || !nextComplete.isDone()) {
            return null;
        }
        boolean complete;
        try {
            complete = nextComplete.join();
        } catch (RuntimeException e) {
            abandonAssembly();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(
                    "FULL version " + nextVersion + " could not be applied: " + cause.getMessage(), cause);
        }
        if (!complete) {
            return null;
        }
        EncoderReplica previous = current;
        long previousVersion = previous.version();
        boolean first = !previous.ready();
        long assembled = next.version();
        current = next;
        next = null;
        nextComplete = null;
        previous.close();
        List<String> refused = new ArrayList<>();
        for (ModelUpdate chunk : arrivedDuringAssembly) {
            try {
                current.apply(chunk);
            } catch (IllegalArgumentException e) {
                refused.add(chunk.getKind() + " version " + chunk.getVersion() + ": " + e.getMessage());
            }
        }
        arrivedDuringAssembly.clear();
        return new Swap(previousVersion, assembled, assemblyNanos / 1_000_000, first, refused);
    }

    /** Blocks until the chunks handed to the assembly so far are applied (end of input). */
    void awaitAssembly() throws InterruptedException {
        if (next == null) {
            return;
        }
        try {
            nextComplete.get();
        } catch (ExecutionException e) {
            // reported by the next swapIfAssembled
        }
    }

    private void abandonAssembly() {
        if (next != null) {
            EncoderReplica abandoned = next;
            assembler.execute(abandoned::close);
            next = null;
            nextComplete = null;
            arrivedDuringAssembly.clear();
        }
    }

    boolean ready() {
        return current.ready();
    }

    long version() {
        return current.version();
    }

    int heldDeltas() {
        return current.heldDeltas();
    }

    List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return current.encode(snapshots);
    }

    @Override
    public void close() throws InterruptedException {
        abandonAssembly();
        assembler.shutdown();
        if (!assembler.awaitTermination(30, TimeUnit.SECONDS)) {
            assembler.shutdownNow();
        }
        current.close();
    }
}
