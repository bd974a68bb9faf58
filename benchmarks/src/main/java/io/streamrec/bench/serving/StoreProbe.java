package io.streamrec.bench.serving;

import io.streamrec.schemas.UserVector;
import io.streamrec.serving.ServingConfig;
import io.streamrec.serving.users.UserVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The user-vector store at scale: {@code users} vectors written as the follower writes them (batches of 2,000), then
 * random reads; reports write rate, read latency, the store's own memory (memtables, block cache, table readers), the
 * JVM heap after a GC, and the size on disk. The store runs with the service's default cache and write buffer.
 */
final class StoreProbe {

    record Figures(
            long users,
            double writesPerSecond,
            double readP50Micros,
            double readP99Micros,
            long storeMemoryBytes,
            long heapUsedBytes,
            long diskBytes) {}

    private StoreProbe() {}

    static Figures measure(long users, int dim, long seed) throws IOException {
        Path dir = Files.createTempDirectory("serving-store");
        Random random = new Random(seed);
        try (UserVectorStore store = new UserVectorStore(
                dir, ServingConfig.DEFAULT_STORE_CACHE_BYTES, ServingConfig.DEFAULT_STORE_WRITE_BUFFER_BYTES)) {
            long started = System.nanoTime();
            List<UserVector> batch = new ArrayList<>(2_000);
            for (long u = 0; u < users; u++) {
                batch.add(vector("u" + u, dim, random));
                if (batch.size() == 2_000) {
                    store.write(batch, Map.of(0, u + 1));
                    batch.clear();
                }
                if (u > 0 && u % 500_000 == 0) {
                    System.out.printf("[store] %,d users written%n", u);
                }
            }
            store.write(batch, Map.of(0, users));
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] reads = new long[20_000];
            for (int i = 0; i < reads.length; i++) {
                String user = "u" + (long) (random.nextDouble() * users);
                long t = System.nanoTime();
                if (store.get(user) == null) {
                    throw new IllegalStateException("user " + user + " is missing");
                }
                reads[i] = System.nanoTime() - t;
            }
            Arrays.sort(reads);
            System.gc();
            long heap =
                    Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            return new Figures(
                    users,
                    users / seconds,
                    reads[reads.length / 2] / 1e3,
                    reads[(int) (reads.length * 0.99)] / 1e3,
                    store.memoryBytes(),
                    heap,
                    diskBytes(dir));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static UserVector vector(String user, int dim, Random random) {
        Float[] v = new Float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        List<String> recent = new ArrayList<>(20);
        for (int i = 0; i < 20; i++) {
            recent.add("i" + random.nextInt(1_000_000));
        }
        return UserVector.newBuilder()
                .setUserId(user)
                .setModelName("sdm")
                .setModelVersion(1)
                .setEventTime(random.nextInt(1_000_000))
                .setEventId("e")
                .setInterests(List.of(Arrays.asList(v)))
                .setVector(Arrays.asList(v))
                .setRecentItems(recent)
                .build();
    }

    private static long diskBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
