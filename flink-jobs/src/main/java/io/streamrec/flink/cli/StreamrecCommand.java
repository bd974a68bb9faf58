package io.streamrec.flink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code streamrec} command line. Each capability is one subcommand class listed below; a new
 * one is added to {@code subcommands} and nowhere else.
 */
@Command(
        name = "streamrec",
        mixinStandardHelpOptions = true,
        versionProvider = StreamrecCommand.Version.class,
        description = "Real-time sequential recommender on Apache Flink and Kafka.",
        subcommands = {
            RunCommand.class,
            ProduceCommand.class,
            EvaluateCommand.class,
            HelpCommand.class,
        })
public final class StreamrecCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: try 'streamrec run'.");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new StreamrecCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new UserErrorHandler());
    }

    /** The version recorded in the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = StreamrecCommand.class.getPackage().getImplementationVersion();
            return new String[] {"streamrec " + (version == null ? "development build" : version)};
        }
    }
}
