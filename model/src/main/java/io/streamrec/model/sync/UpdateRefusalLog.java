package io.streamrec.model.sync;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs refused model updates the same way in every consumer: one WARN naming the model, the reason, what was wrong and
 * the version kept. A flood of one kind (a producer writing garbage to the topic) is not allowed to flood the log:
 * after the first of a reason, further ones of that reason are logged at most once per {@link #QUIET_MILLIS}, saying
 * how many were refused in between. Counting is the consumer's (its metrics); this only logs. Thread-safe.
 */
public final class UpdateRefusalLog {

    /** Least time between two WARNs of one reason. */
    public static final long QUIET_MILLIS = 10_000;

    private final Logger log;
    private final String consumer;
    private final LongSupplier clock;
    private final Map<UpdateRefusal.Reason, long[]> lastLogged = new EnumMap<>(UpdateRefusal.Reason.class);

    /**
     * @param consumer names who refused, e.g. {@code encoder 'sdm' (subtask 0)}
     */
    public UpdateRefusalLog(Logger log, String consumer) {
        this(log, consumer, System::currentTimeMillis);
    }

    UpdateRefusalLog(Logger log, String consumer, LongSupplier clock) {
        this.log = log;
        this.consumer = consumer;
        this.clock = clock;
    }

    /** Logs {@code refusal} (or counts it towards the next WARN of its reason); returns true if it was logged now. */
    public synchronized boolean refused(UpdateRefusal refusal, long versionKept) {
        long now = clock.getAsLong();
        long[] state = lastLogged.computeIfAbsent(refusal.reason(), r -> new long[] {Long.MIN_VALUE, 0});
        if (state[0] != Long.MIN_VALUE && now - state[0] < QUIET_MILLIS) {
            state[1]++;
            return false;
        }
        long suppressed = state[1];
        state[0] = now;
        state[1] = 0;
        log.warn(
                "{} refused a model update [{}]: {}; keeps {}{}",
                consumer,
                refusal.reason().label(),
                refusal.detail(),
                versionKept == 0 ? "waiting for a first good FULL" : "version " + versionKept,
                suppressed == 0 ? "" : " (" + suppressed + " more of this kind refused since the last such message)");
        return true;
    }
}
