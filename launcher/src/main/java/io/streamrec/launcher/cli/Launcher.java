package io.streamrec.launcher.cli;

import io.streamrec.flink.cli.RunCommand;
import io.streamrec.flink.cli.StreamrecCommand;
import io.streamrec.serving.ServeCommand;
import picocli.CommandLine;

/**
 * The {@code streamrec} command's entry point: the commands of the streamrec command line plus the deployment
 * checks and the serving API ({@code serve} alone, and inside {@code run} unless {@code --no-serving}). (The command
 * line itself moves into this module from flink-jobs; until then it is extended here.)
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cli = StreamrecCommand.commandLine()
                .addSubcommand(new CheckDeployCommand())
                .addSubcommand(new ServeCommand());
        CommandLine run = cli.getSubcommands().get("run");
        ServingCompanion serving = new ServingCompanion();
        run.addMixin("serving", serving);
        ((RunCommand) run.getCommand()).withCompanion(serving);
        return cli;
    }
}
