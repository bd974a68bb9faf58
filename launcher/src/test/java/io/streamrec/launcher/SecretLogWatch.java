package io.streamrec.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Reads every log line of this JVM at INFO and above (Kafka's clients print their whole configuration at INFO) and
 * keeps the ones holding any of the given secrets. Meanwhile the console shows WARN and above.
 */
final class SecretLogWatch extends AbstractAppender implements AutoCloseable {

    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final List<String> leaks = new ArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final LoggerContext context;

    private SecretLogWatch(LoggerContext context, Collection<String> secrets) {
        super("secret-log-watch", null, null, true, Property.EMPTY_ARRAY);
        this.context = context;
        this.secrets.addAll(secrets);
    }

    /** Starts watching every logger of this JVM for {@code secrets}; {@link #close()} restores the configuration. */
    static SecretLogWatch start(Collection<String> secrets) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        SecretLogWatch watch = new SecretLogWatch(context, secrets);
        watch.start();
        Configuration config = context.getConfiguration();
        config.addAppender(watch);
        LoggerConfig root = config.getRootLogger();
        // the console keeps showing WARN and above only, whatever the loggers now let through
        for (Appender appender : root.getAppenders().values()) {
            root.removeAppender(appender.getName());
            root.addAppender(appender, Level.WARN, null);
        }
        root.addAppender(watch, Level.INFO, null);
        root.setLevel(atLeastInfo(root.getLevel()));
        for (LoggerConfig logger : config.getLoggers().values()) {
            logger.setLevel(atLeastInfo(logger.getLevel()));
            if (!logger.isAdditive()) {
                logger.addAppender(watch, Level.INFO, null);
            }
        }
        context.updateLoggers();
        return watch;
    }

    private static Level atLeastInfo(Level level) {
        return level == null || level.isLessSpecificThan(Level.INFO) ? level : Level.INFO;
    }

    @Override
    public void append(LogEvent event) {
        seen.incrementAndGet();
        String line = event.getMessage().getFormattedMessage();
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line = line + "\n" + trace;
        }
        for (String secret : secrets) {
            if (line.contains(secret)) {
                synchronized (leaks) {
                    leaks.add(event.getLoggerName() + ": " + line);
                }
            }
        }
    }

    /** Also looks for {@code secret} from now on. */
    void watchFor(String secret) {
        secrets.add(secret);
    }

    /** Log lines that held a secret. */
    List<String> leaks() {
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    /** How many log events the watch read (so that a test can tell it read something). */
    long seen() {
        return seen.get();
    }

    @Override
    public void close() {
        context.reconfigure();
        stop();
    }
}
