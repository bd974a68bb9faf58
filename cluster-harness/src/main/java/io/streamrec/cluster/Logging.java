package io.streamrec.cluster;

/** Log4j 2 configurations for the harness's processes: each logs to the file named by {@code -Dlog.file}. */
final class Logging {

    private Logging() {}

    /** Everything at {@code level} and above into {@code ${sys:log.file}}. */
    static String fileOnly(String level) {
        return String.join(
                "\n",
                "status = warn",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.append = true",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5level %c{1} [%t] - %msg%n",
                "rootLogger.level = " + level,
                "rootLogger.appenderRef.file.ref = file",
                "");
    }

    /** Flink's processes: INFO for Flink (recovery, checkpoints, slots), WARN for the noisy clients. */
    static String flink() {
        return fileOnly("INFO")
                + String.join(
                        "\n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        "logger.djl.name = ai.djl",
                        "logger.djl.level = WARN",
                        "");
    }
}
