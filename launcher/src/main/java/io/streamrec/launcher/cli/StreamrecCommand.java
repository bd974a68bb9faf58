package io.streamrec.launcher.cli;

import io.streamrec.serving.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code streamrec} command line. Each capability is one subcommand class listed below; a new
 * one is added to {@code subcommands} and nowhere else. The serving API runs alone ({@code serve}) and inside
 * {@code run} unless {@code --no-serving}: {@link #commandLine} adds it to the run.
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
            ServeCommand.class,
            CheckDeployCommand.class,
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
        CommandLine cli = new CommandLine(new StreamrecCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new UserErrorHandler());
        CommandLine run = cli.getSubcommands().get("run");
        RunCommand runCommand = (RunCommand) run.getCommand();
        runCommand.withCompanion(
                ServingCompanion.OPTIONS, settings -> new ServingCompanion(settings, runCommand::bindAddress));
        return cli;
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
