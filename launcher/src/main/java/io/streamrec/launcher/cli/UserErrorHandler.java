package io.streamrec.launcher.cli;

import picocli.CommandLine;

/**
 * Prints a configuration or input problem as one line that says what to change, with exit code 2
 * like a bad option; anything else is a bug or an outage and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof IllegalArgumentException
                || e instanceof java.io.FileNotFoundException
                || e instanceof java.nio.file.NoSuchFileException) {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + describe(e)));
            return commandLine.getCommandSpec().exitCodeOnInvalidInput();
        }
        throw e;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return "file not found: " + missing.getFile();
        }
        return e.getMessage();
    }
}
