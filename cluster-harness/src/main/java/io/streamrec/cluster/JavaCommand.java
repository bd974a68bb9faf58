package io.streamrec.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JVM to start: the main class, its classpath, JVM options and arguments, where it runs and where its output goes.
 * It runs on the same Java as the caller.
 *
 * @param name a short name for logs and messages ({@code taskmanager-1})
 * @param log the file its standard output and error are appended to
 */
public record JavaCommand(
        String name,
        String mainClass,
        List<Path> classpath,
        List<String> jvmOptions,
        List<String> arguments,
        Path workDir,
        Path log,
        Map<String, String> environment) {

    public JavaCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mainClass, "mainClass");
        classpath = List.copyOf(classpath);
        jvmOptions = List.copyOf(jvmOptions);
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(log, "log");
        environment = Map.copyOf(environment);
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException(name + ": an empty classpath");
        }
    }

    /** The command line: this JVM's {@code java}, the options, {@code -cp}, the main class and the arguments. */
    List<String> commandLine() {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(jvmOptions);
        line.add("-cp");
        line.add(String.join(
                java.io.File.pathSeparator,
                classpath.stream().map(Path::toString).toList()));
        line.add(mainClass);
        line.addAll(arguments);
        return line;
    }
}
