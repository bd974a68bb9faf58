package io.streamrec.flink.publish;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a sink topic that has gone (deleted) or may no longer be written, while the producer still waits on it.
 *
 * <p>Kafka's producer treats a missing topic as retriable: records in flight are retried until
 * {@code delivery.timeout.ms} (2 minutes) and a new send blocks for {@code max.block.ms} (1 minute) on the task
 * thread, after which the job would restart into the same wall. So when sends have gone unacknowledged for
 * {@code stallTimeout}, this watch asks the cluster (an admin client, only then) whether the topics exist and may
 * be described, and hands a {@link SinkTopicException} to its callback when not. A slow but healthy broker only
 * costs a description now and then.
 */
final class SinkTopicWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkTopicWatch.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Properties clientConfig;
    private final List<String> topics;
    private final long stallNanos;
    private final Consumer<SinkTopicException> onUnwritable;
    private final AtomicLong pending = new AtomicLong();
    private final ScheduledExecutorService timer;
    private volatile long lastProgressNanos = System.nanoTime();
    private long lastCheckNanos;
    private Admin admin;

    SinkTopicWatch(
            Properties clientConfig,
            List<String> topics,
            Duration stallTimeout,
            Consumer<SinkTopicException> onUnwritable) {
        this.clientConfig = clientConfig;
        this.topics = topics;
        this.stallNanos = stallTimeout.toNanos();
        this.onUnwritable = onUnwritable;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-sink-watch " + topics.get(0));
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A send is about to start. */
    void sending() {
        if (pending.getAndIncrement() == 0) {
            lastProgressNanos = System.nanoTime();
        }
    }

    /** A send has completed, either way. */
    void completed() {
        pending.decrementAndGet();
        lastProgressNanos = System.nanoTime();
    }

    private void check() {
        long now = System.nanoTime();
        if (pending.get() <= 0 || now - lastProgressNanos < stallNanos || now - lastCheckNanos < stallNanos) {
            return;
        }
        lastCheckNanos = now;
        try {
            if (admin == null) {
                Properties config = new Properties();
                // the producer's settings that an admin client knows too (address, security), and no others
                clientConfig.forEach((key, value) -> {
                    // config providers resolve ${file:...} and ${env:...} in the security settings
                    if (AdminClientConfig.configNames().contains(String.valueOf(key))
                            || String.valueOf(key).startsWith("config.providers")) {
                        config.put(key, value);
                    }
                });
                config.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-sink-watch");
                admin = Admin.create(config);
            }
            admin.describeTopics(topics).allTopicNames().get(stallNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                onUnwritable.accept(new SinkTopicException(
                        missingOf(),
                        "it does not exist (deleted?), and sends to it have waited "
                                + Duration.ofNanos(now - lastProgressNanos).toSeconds() + " s",
                        cause));
            } else if (cause instanceof AuthorizationException) {
                onUnwritable.accept(new SinkTopicException(topics.get(0), SendErrors.describe(cause), cause));
            } else {
                LOG.debug("Could not describe {} while sends stall: {}", topics, cause.toString());
            }
        } catch (TimeoutException e) {
            LOG.debug("Describing {} timed out while sends stall", topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Could not check {}: {}", topics, e.toString());
        }
    }

    /** The first of the topics the cluster does not know, asked one by one. */
    private String missingOf() {
        for (String topic : topics) {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(stallNanos, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return topic;
                }
            } catch (TimeoutException | RuntimeException e) {
                LOG.debug("Could not describe {}: {}", topic, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return String.join("' or '", topics);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
