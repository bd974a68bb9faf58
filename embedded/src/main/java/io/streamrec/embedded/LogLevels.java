package io.streamrec.embedded;

import java.util.Collection;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/** Quiets in-process infrastructure (the embedded broker) without ever making a logger more verbose. */
final class LogLevels {

    private LogLevels() {}

    /** Raises each named logger to WARN if it currently logs INFO or below; stricter settings are kept. */
    static void atMostWarn(Collection<String> loggerNames) {
        if (!(LogManager.getContext(false) instanceof org.apache.logging.log4j.core.LoggerContext)) {
            return; // another Log4j API implementation: its own configuration decides
        }
        for (String name : loggerNames) {
            Level current = LogManager.getLogger(name).getLevel();
            if (current.isLessSpecificThan(Level.INFO)) {
                Configurator.setLevel(name, Level.WARN);
            }
        }
    }
}
