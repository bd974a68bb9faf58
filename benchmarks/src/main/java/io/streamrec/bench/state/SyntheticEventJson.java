package io.streamrec.bench.state;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Event {@code i} of the synthetic stream as JSON bytes, the way producers write them: a user drawn
 * by a scrambled hash of {@code i} over {@code users}, one of 50,000 items in 1,000 categories, and
 * an event time a little behind the wall clock (up to {@code maxDisorderMillis}), so parallel
 * generator subtasks stay aligned in event time and arrive slightly out of order.
 */
final class SyntheticEventJson implements GeneratorFunction<Long, byte[]> {
    private static final long serialVersionUID = 1L;
    private static final int ITEMS = 50_000;
    private static final int CATEGORIES = 1_000;

    private final int users;
    private final int maxDisorderMillis;

    SyntheticEventJson(int users, int maxDisorderMillis) {
        this.users = users;
        this.maxDisorderMillis = maxDisorderMillis;
    }

    @Override
    public byte[] map(Long index) {
        long i = index;
        long mixed = scramble(i);
        int item = (int) Math.floorMod(scramble(mixed), (long) ITEMS);
        long timestamp = System.currentTimeMillis() - Math.floorMod(mixed >>> 17, (long) maxDisorderMillis + 1);
        String json = "{\"eventId\":\"e-" + i
                + "\",\"userId\":\"u-" + Math.floorMod(mixed, (long) users)
                + "\",\"itemId\":\"i-" + item
                + "\",\"eventType\":\"view\",\"timestamp\":" + timestamp
                + ",\"categoryId\":\"c-" + item % CATEGORIES + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** SplitMix64's finaliser: consecutive indexes land on unrelated users. */
    private static long scramble(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
