package io.streamrec.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The classpaths of the cluster's processes, from this module's runtime dependencies (written at build time into
 * {@code runtime-classpath.txt}): Flink's runtime as {@code flink-dist} would bundle it, and the Kafka broker.
 * Flink's processes get no Kafka jar, so a job jar that lacks the Kafka client fails here as it would on a real
 * cluster.
 */
public final class ClusterClasspath {

    private static final String RESOURCE = "runtime-classpath.txt";

    private final List<Path> all;

    private ClusterClasspath(List<Path> all) {
        this.all = all;
    }

    /** The classpath recorded by the build. */
    public static ClusterClasspath fromBuild() {
        try (InputStream in = ClusterClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build the cluster-harness module with Maven"
                        + " (its generate-resources phase writes it)");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<Path> entries = Arrays.stream(text.split(java.io.File.pathSeparator))
                    .filter(s -> !s.isBlank())
                    .map(Path::of)
                    .toList();
            for (Path entry : entries) {
                if (!Files.exists(entry)) {
                    throw new IllegalStateException("The cluster classpath names " + entry + ", which does not exist;"
                            + " rebuild the cluster-harness module");
                }
            }
            return new ClusterClasspath(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
    }

    /** For the JobManager and TaskManagers: everything but Kafka (and the Scala library only Kafka's broker needs). */
    public List<Path> flink() {
        return all.stream()
                .filter(p -> !p.toString().contains("/org/apache/kafka/"))
                .filter(p -> !p.toString().contains("/org/scala-lang/"))
                .toList();
    }

    /** For the Kafka broker and its storage tool. */
    public List<Path> kafka() {
        return all.stream()
                .filter(p -> !p.toString().contains("/org/apache/flink/"))
                .toList();
    }
}
