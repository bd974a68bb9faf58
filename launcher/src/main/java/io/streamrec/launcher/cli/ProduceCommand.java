package io.streamrec.launcher.cli;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.flink.job.Topics;
import io.streamrec.launcher.runtime.EventReplayer;
import io.streamrec.launcher.runtime.ProduceProgress;
import io.streamrec.launcher.runtime.ProgressTicker;
import io.streamrec.launcher.runtime.RawFileProducer;
import io.streamrec.launcher.runtime.RecordSender;
import io.streamrec.launcher.runtime.RefusalReport;
import io.streamrec.model.data.EventDataset;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.ingest.WireFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamrec produce}: writes a dataset's events, or a file's raw lines, into a Kafka topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = ProduceCommand.JobDefaults.class,
        description = {
            "Replays a dataset into a Kafka topic as UserEvents keyed by userId, in event-time order (JSON or"
                    + " Avro), or sends each line of a file as one record exactly as written (--raw FILE), like"
                    + " Kafka's console producer: for feeding bad input to the pipeline.",
        })
public final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka to write to (the address `streamrec run` prints).")
    String bootstrapServers;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Kafka client property (e.g. security.protocol=SASL_SSL). Overrides --kafka-properties-file.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--kafka-properties-file",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config,"
                    + " ssl.truststore.location, ...), as `streamrec run` takes them. Secrets are never printed.")
    Path kafkaPropertiesFile;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description = "Topic to write to. Default: the job's events topic, ${DEFAULT-VALUE}.")
    String topic;

    @Option(
            names = {"--event-format", "--format"},
            paramLabel = "NAME",
            description = "Wire format of the events: json or avro, as the job reads them. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--raw",
            paramLabel = "FILE",
            description = "Send each line of FILE (\\n or \\r\\n terminated; the terminator is not sent) as one"
                    + " record, byte for byte, including empty and invalid lines, instead of a dataset.")
    Path rawFile;

    @Option(
            names = "--key-field",
            paramLabel = "FIELD",
            description = "With --raw: use this top-level field of each JSON line as the record key."
                    + " Lines without it, or that are not well-formed JSON objects, get no key. Default: no key.")
    String keyField;

    @Mixin
    DatasetOptions dataset;

    @Mixin
    ReplayOptions replay;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        double progressIntervalSec = progress.interval().toMillis() / 1000.0;
        WireFormat eventFormat;
        try {
            eventFormat = JobOptions.EVENT_FORMAT.type().parse(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--event-format is '" + format + "', " + e.getMessage());
        }
        if (rawFile == null && keyField != null) {
            throw new ParameterException(
                    spec.commandLine(), "--key-field applies to --raw only: dataset events are always keyed by userId");
        }
        PrintWriter out = spec.commandLine().getOut();
        KafkaAccess kafka = new KafkaAccess(bootstrapServers, KafkaAccess.merge(kafkaPropertiesFile, kafkaProperties));
        if (rawFile != null) {
            rejectDatasetOptionsWithRaw();
            RawFileProducer producer = new RawFileProducer(rawFile, Optional.ofNullable(keyField));
            // Kafka after the options: a mistake in them is said at once, not after a connection attempt
            kafka.requireReachable(KafkaAccess.DEFAULT_CHECK_TIMEOUT);
            OptionalInt maxMessageBytes = Topics.requireWritable(kafka, topic);
            try (RecordSender sender =
                    new RecordSender(kafka, topic, "streamrec-produce", new RefusalReport(out), maxMessageBytes)) {
                long lines = producer.sendTo(sender, out, progressIntervalSec);
                out.printf(
                        "Sent %,d lines of %s to topic '%s' at %s%s%n",
                        lines, rawFile, topic, bootstrapServers, outcome(sender));
                return sender.refused() == 0 ? 0 : RECORDS_REFUSED_EXIT_CODE;
            }
        }
        EventDataset events = dataset.open();
        EventReplayer replayer = replay.replayer(eventFormat, dataset);
        kafka.requireReachable(KafkaAccess.DEFAULT_CHECK_TIMEOUT);
        OptionalInt maxMessageBytes = Topics.requireWritable(kafka, topic);
        long started = System.nanoTime();
        try (RecordSender sender =
                        new RecordSender(kafka, topic, "streamrec-produce", new RefusalReport(out), maxMessageBytes);
                Stream<UserEvent> stream = events.events();
                ProgressTicker ticker =
                        new ProgressTicker(out, progressIntervalSec, () -> ProduceProgress.line(sender, started))) {
            long sent;
            try {
                sent = replayer.replay(stream, sender);
            } catch (IllegalStateException refused) {
                if (sender.refused() == 0) {
                    throw refused;
                }
                sent = sender.sent();
            }
            out.println(ProduceProgress.line(sender, started));
            out.printf(
                    "Sent %,d %s events of %s to topic '%s' at %s%s%n",
                    sent, eventFormat, events.name(), topic, bootstrapServers, outcome(sender));
            return sender.refused() == 0 ? 0 : RECORDS_REFUSED_EXIT_CODE;
        }
    }

    /** The exit code when some records were refused (each was reported; 2 is a bad option or input). */
    static final int RECORDS_REFUSED_EXIT_CODE = 1;

    /** How the sends ended, for the final line: all written, or how many were refused. */
    private static String outcome(RecordSender sender) {
        return sender.refused() == 0
                ? ""
                : String.format(
                        java.util.Locale.ROOT,
                        ": %,d written, %,d refused (each reported above)",
                        sender.acknowledged(),
                        sender.refused());
    }

    private void rejectDatasetOptionsWithRaw() {
        for (String option : new String[] {
            "--dataset",
            "--path",
            "--synthetic",
            "--synthetic-users",
            "--synthetic-items",
            "--synthetic-events",
            "--seed",
            "--dataset-option",
            "--limit",
            "--speedup",
            "--rate",
            "--event-format"
        }) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--raw sends the file's lines as they are; " + option + " does not apply to it");
            }
        }
    }

    /** The defaults the job declares: its events topic and its event format. */
    static final class JobDefaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argSpec) {
            if (!(argSpec instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--topic" -> JobOptions.EVENTS_TOPIC.defaultText();
                case "--event-format" -> JobOptions.EVENT_FORMAT.defaultText();
                default -> new DatasetOptions.Defaults().defaultValue(argSpec);
            };
        }
    }
}
