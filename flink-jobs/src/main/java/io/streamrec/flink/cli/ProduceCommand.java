package io.streamrec.flink.cli;

import io.streamrec.flink.runtime.RawFileProducer;
import io.streamrec.flink.runtime.RecordSender;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamrec produce}: writes records into a Kafka topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Sends each line of a file to a Kafka topic as one record, exactly as written (--raw FILE),"
                    + " like Kafka's console producer: for feeding bad input to the pipeline.",
        })
public final class ProduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka to write to (the address `streamrec run` prints).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", paramLabel = "NAME",
            description = "Topic to write to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--raw", required = true, paramLabel = "FILE",
            description = "Send each line of FILE (\\n or \\r\\n terminated; the terminator is not sent) as one"
                    + " record, byte for byte, including empty and invalid lines.")
    Path rawFile;

    @Option(names = "--key-field", paramLabel = "FIELD",
            description = "With --raw: use this top-level field of each JSON line as the record key."
                    + " Lines without it, or that are not JSON objects, get no key. Default: no key.")
    String keyField;

    @Option(names = "--progress-interval", defaultValue = "5", paramLabel = "SECONDS",
            description = "Seconds between progress lines. Default: ${DEFAULT-VALUE}.")
    double progressIntervalSec;

    @Override
    public Integer call() throws Exception {
        if (progressIntervalSec <= 0) {
            throw new ParameterException(spec.commandLine(),
                    "--progress-interval must be a positive number of seconds, got " + progressIntervalSec);
        }
        try (RecordSender sender = new RecordSender(bootstrapServers, topic, "streamrec-produce")) {
            long lines = new RawFileProducer(rawFile, Optional.ofNullable(keyField))
                    .sendTo(sender, spec.commandLine().getOut(), progressIntervalSec);
            spec.commandLine().getOut().printf("Sent %,d lines of %s to topic '%s' at %s%n",
                    lines, rawFile, topic, bootstrapServers);
        }
        return 0;
    }
}
