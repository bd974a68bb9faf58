package io.streamrec.model.sync;

import io.streamrec.schemas.ModelUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keeps a {@link Replica} current from the chunks of {@code model-updates}, the same way for every consumer: the
 * versions come in the order {@link UpdateSequence} gives, each checked by the {@link UpdateValidator} before
 * anything applies it, deltas apply in place on the owner's thread, and a FULL update is built into a new replica
 * on a background thread while the owner goes on with the current one. The owner swaps the new replica in at a
 * boundary of its own choosing ({@link #swapIfAssembled()}: between two batches, or between two polls), so one batch
 * or answer never sees two versions and no one waits for a large FULL. Deltas that arrive during the assembly are
 * based on the new FULL and are applied to it at the swap.
 *
 * <p>The owner thread calls {@link #offer} and {@link #swapIfAssembled}; {@link #current()} is safe to read from any
 * thread (a volatile reference), and a replica swapped out goes to the {@code retire} callback, which closes it, or,
 * for a replica other threads may still be reading, closes it once they are done.
 *
 * @param <R> the replica kind
 */
public final class ReplicaSync<R extends Replica> implements AutoCloseable {

    /**
     * What a swap changed, for the owner's log and metrics.
     *
     * @param version the FULL's version (the deltas that arrived during its assembly may have moved it on)
     * @param refusals why each delta that arrived during the assembly and that the new replica refused was refused
     */
    public record Swap(
            long previousVersion, long version, long assemblyMillis, boolean first, List<UpdateRefusal> refusals) {

        /** The refusals' details. */
        public List<String> refused() {
            return refusals.stream().map(UpdateRefusal::detail).toList();
        }
    }

    private final Function<CompleteUpdate, R> fromFull;
    private final Consumer<R> retire;
    private final Executor assembler;
    private final ExecutorService ownExecutor;
    private final UpdateSequence sequence;

    private volatile R current;

    private CompletableFuture<R> next;
    private long nextVersion;
    private long assemblyStarted;
    private final List<CompleteUpdate> arrivedDuringAssembly = new ArrayList<>();

    /**
     * @param fromFull   builds a replica from a (validated) FULL update; runs on the assembly thread
     * @param retire     takes each replica swapped out or abandoned
     * @param threadName name of the assembly thread
     */
    public ReplicaSync(
            Function<CompleteUpdate, R> fromFull, Consumer<R> retire, UpdateValidator validator, String threadName) {
        this(fromFull, retire, validator, newThread(threadName));
    }

    private ReplicaSync(
            Function<CompleteUpdate, R> fromFull, Consumer<R> retire, UpdateValidator validator, ExecutorService own) {
        this(fromFull, retire, validator, own, own);
    }

    /** With a caller-owned executor for the assembly ({@code Runnable::run} builds a FULL on the owner's thread). */
    public ReplicaSync(
            Function<CompleteUpdate, R> fromFull, Consumer<R> retire, UpdateValidator validator, Executor assembler) {
        this(fromFull, retire, validator, assembler, null);
    }

    private ReplicaSync(
            Function<CompleteUpdate, R> fromFull,
            Consumer<R> retire,
            UpdateValidator validator,
            Executor assembler,
            ExecutorService ownExecutor) {
        this.fromFull = fromFull;
        this.retire = retire;
        this.sequence = new UpdateSequence(validator);
        this.assembler = assembler;
        this.ownExecutor = ownExecutor;
    }

    private static ExecutorService newThread(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Takes one chunk: applies the deltas it makes ready to the current replica now, and starts building the FULL
     * it completes (abandoning the build of an older one). What is refused changes nothing: the replica keeps its
     * version, and the sequence goes on from it (later deltas wait for the next FULL).
     *
     * @return why this chunk, or each version it made ready or obsolete, was refused; empty when all were taken
     */
    public List<UpdateRefusal> offer(ModelUpdate chunk) {
        List<UpdateRefusal> refused = new ArrayList<>();
        List<CompleteUpdate> ready = sequence.offer(chunk, refused);
        for (CompleteUpdate update : ready) {
            long before = pendingVersion();
            try {
                if (update.isFull()) {
                    assemble(update);
                } else if (next != null) {
                    arrivedDuringAssembly.add(update);
                } else if (current == null) {
                    throw new IllegalStateException(update.describe() + " arrived before any FULL was applied");
                } else {
                    current.applyDelta(update);
                }
            } catch (RuntimeException e) {
                refused.add(RefusedUpdateException.of(e, UpdateRefusal.Reason.FOREIGN_MODEL, doesNotFit(update)));
                sequence.rewind(before);
            }
        }
        return refused;
    }

    /** {@link #offer}, giving only the refusals' details. */
    public List<String> accept(ModelUpdate chunk) {
        return offer(chunk).stream().map(UpdateRefusal::detail).toList();
    }

    private static String doesNotFit(CompleteUpdate update) {
        return update.describe() + " does not fit the model held: ";
    }

    /** The version the replica will hold once what was accepted so far is applied. */
    private long pendingVersion() {
        if (next != null) {
            return arrivedDuringAssembly.isEmpty()
                    ? nextVersion
                    : arrivedDuringAssembly
                            .get(arrivedDuringAssembly.size() - 1)
                            .version();
        }
        return current == null ? 0 : current.version();
    }

    private void assemble(CompleteUpdate full) {
        abandonAssembly();
        nextVersion = full.version();
        assemblyStarted = System.nanoTime();
        next = CompletableFuture.supplyAsync(() -> fromFull.apply(full), assembler);
    }

    /** True while a FULL update is being built off the owner's thread. */
    public boolean assembling() {
        return next != null;
    }

    /**
     * Swaps in the replica built from the newest FULL if it is complete, then applies the deltas that arrived
     * meanwhile.
     *
     * @return what changed, or null if nothing did
     * @throws RefusedUpdateException if the build failed (the FULL is dropped; the current replica stays and
     *     later deltas wait for the next FULL)
     */
    public Swap swapIfAssembled() {
        if (next == null || !next.isDone()) {
            return null;
        }
        R built;
        try {
            built = next.join();
        } catch (RuntimeException e) {
            long failed = nextVersion;
            next = null;
            arrivedDuringAssembly.clear();
            sequence.rewind(version());
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new RefusedUpdateException(
                    new UpdateRefusal(
                            UpdateRefusal.Reason.FOREIGN_MODEL,
                            "FULL version " + failed + " could not be built into a model here: " + cause.getMessage()),
                    cause);
        }
        long assemblyMillis = (System.nanoTime() - assemblyStarted) / 1_000_000;
        next = null;
        long assembled = built.version();
        List<UpdateRefusal> refused = new ArrayList<>();
        for (CompleteUpdate delta : arrivedDuringAssembly) {
            if (!refused.isEmpty()) {
                refused.add(new UpdateRefusal(
                        refused.get(0).reason(), delta.describe() + " skipped: an earlier delta was refused"));
                continue;
            }
            try {
                built.applyDelta(delta);
            } catch (RuntimeException e) {
                refused.add(RefusedUpdateException.of(e, UpdateRefusal.Reason.FOREIGN_MODEL, doesNotFit(delta)));
            }
        }
        arrivedDuringAssembly.clear();
        if (!refused.isEmpty()) {
            sequence.rewind(built.version());
        }
        R previous = current;
        current = built;
        if (previous != null) {
            retire.accept(previous);
        }
        return new Swap(
                previous == null ? 0 : previous.version(), assembled, assemblyMillis, previous == null, refused);
    }

    /** Blocks until the FULL being built, if any, is built (end of input). */
    public void awaitAssembly() throws InterruptedException {
        CompletableFuture<R> pending = next;
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (ExecutionException e) {
            // reported by the next swapIfAssembled
        }
    }

    private void abandonAssembly() {
        if (next != null) {
            next.thenAccept(retire);
            next = null;
            arrivedDuringAssembly.clear();
        }
    }

    /** The replica in use; null before the first FULL is swapped in. Safe from any thread. */
    public R current() {
        return current;
    }

    /** True once a FULL update has been swapped in. */
    public boolean ready() {
        return current != null;
    }

    /** The version of the replica in use; 0 before the first FULL. */
    public long version() {
        R replica = current;
        return replica == null ? 0 : replica.version();
    }

    /** Complete deltas waiting for their base version. */
    public int heldDeltas() {
        return sequence.heldDeltas();
    }

    /** Abandons any build and retires the current replica. */
    @Override
    public void close() throws InterruptedException {
        abandonAssembly();
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            if (!ownExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                ownExecutor.shutdownNow();
            }
        }
        R replica = current;
        current = null;
        if (replica != null) {
            retire.accept(replica);
        }
    }
}
