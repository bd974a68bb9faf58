package io.streamrec.model;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Frees, on demand, the native memory of direct ByteBuffers that nothing references any more: what a garbage
 * collection does at a moment the JVM chooses. DJL backs the arrays it creates from Java values with such buffers,
 * so a test can put that moment where a real run might meet it, e.g. between a forward and a backward pass.
 */
public final class DirectBuffers {

    private static final long TIMEOUT_MILLIS = 5_000;
    private static final long POLL_MILLIS = 10;
    /** Polls in a row without change after which the cleaners are taken to have finished. */
    private static final int STABLE_POLLS = 5;

    private DirectBuffers() {}

    /**
     * Collects garbage and waits until the unreachable direct buffers have been freed. {@code System.gc()} only
     * queues their cleaners, which the reference-handler thread runs afterwards, so this waits until the JVM's
     * count of direct buffers stops falling.
     */
    public static void freeUnreachable() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("this JVM reports no 'direct' buffer pool"));
        System.gc();
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        long count = direct.getCount();
        int stable = 0;
        while (stable < STABLE_POLLS && System.currentTimeMillis() < deadline) {
            sleep();
            long now = direct.getCount();
            stable = now == count ? stable + 1 : 0;
            count = now;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for direct buffers to be freed", e);
        }
    }
}
