package io.streamrec.launcher.cli;

import io.streamrec.flink.cli.StreamrecCommand;

/**
 * The {@code streamrec} command's entry point: the commands of the streamrec command line plus the deployment
 * checks. (The command line itself moves into this module from flink-jobs; until then it is extended here.)
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) {
        System.exit(StreamrecCommand.commandLine()
                .addSubcommand(new CheckDeployCommand())
                .execute(args));
    }
}
