package io.streamrec.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.ProgramInvocationException;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployable job jar: what a Flink cluster needs and nothing a cluster already has (Flink's runtime) or must not
 * get (the launcher, the command line, a Kafka broker); and a main class that refuses a bad configuration while
 * the job graph is built, that is at submission, listing every problem.
 */
class JobJarTest {

    static final String JOB_MAIN = "io.streamrec.flink.job.StreamrecJob";

    private static Path jar;
    private static List<String> entries;

    @BeforeAll
    static void openJar() throws IOException {
        jar = Path.of(System.getProperty("streamrec.job.jar", "../flink-jobs/target/streamrec-job.jar"));
        assertThat(Files.isRegularFile(jar))
                .as("the job jar %s is built by flink-jobs' package phase: ./mvnw -B package -pl flink-jobs -am", jar)
                .isTrue();
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void holdsTheJobItsConnectorsAndTheModelButNoFlinkRuntimeLauncherOrBroker() {
        assertThat(entries)
                .as("the job, its Kafka connector and client, Avro, DJL with PyTorch's natives")
                .contains(
                        "io/streamrec/flink/job/StreamrecJob.class",
                        "io/streamrec/flink/job/StreamrecPipeline.class",
                        "io/streamrec/flink/job/JobOptions.class",
                        "io/streamrec/config/OptionTable.class",
                        "io/streamrec/model/encode/Encoders.class",
                        "io/streamrec/schemas/UserEvent.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                        "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
                        "ai/djl/engine/Engine.class");
        assertThat(entries)
                .as("PyTorch's natives and DJL's JNI library, so nothing is downloaded at run time")
                .anyMatch(e -> e.startsWith("pytorch/cpu/") && e.contains("libtorch"))
                .anyMatch(e -> e.startsWith("jnilib/linux-x86_64/"));
        assertThat(entries)
                .as("Flink's runtime, APIs and the parts every Flink distribution bundles")
                .noneMatch(e -> e.startsWith("org/apache/flink/runtime/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/api/common/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/configuration/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/state/rocksdb/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/connector/base/"))
                .noneMatch(e -> e.startsWith("org/rocksdb/"));
        assertThat(entries)
                .as("the launcher, the command line, the embedded runtime and a Kafka broker")
                .noneMatch(e -> e.startsWith("io/streamrec/launcher/"))
                .noneMatch(e -> e.startsWith("io/streamrec/embedded/"))
                .noneMatch(e -> e.startsWith("io/streamrec/flink/cli/"))
                .noneMatch(e -> e.startsWith("io/streamrec/flink/runtime/"))
                .noneMatch(e -> e.startsWith("picocli/"))
                // the broker: Kafka's Scala core and its KRaft modules (kafka-clients itself has
                // org/apache/kafka/server/
                // interfaces for pluggable authorizers and quotas, so that package is no sign of a broker)
                .noneMatch(e -> e.startsWith("kafka/") && e.endsWith(".class"))
                .noneMatch(e -> e.startsWith("org/apache/kafka/raft/"))
                .noneMatch(e -> e.startsWith("org/apache/kafka/metadata/"))
                .noneMatch(e -> e.startsWith("org/apache/kafka/controller/"))
                .noneMatch(e -> e.startsWith("scala/"));
        assertThat(entries)
                .as("logging is the cluster's: no logging backend or configuration of ours")
                .noneMatch(e -> e.startsWith("org/apache/logging/log4j/core/"))
                .doesNotContain("log4j2.properties", "log4j2-test.properties");
    }

    @Test
    void namesItsMainClassSoFlinkRunNeedsNoEntryClass() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(JOB_MAIN);
        }
    }

    @Test
    void anInvalidConfigurationFailsAtSubmissionListingEveryProblem() throws Exception {
        Configuration flinkConfig = new Configuration();
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar.toFile())
                .setArguments(
                        "--bootstrap-servers", "kafka:9092",
                        "--parallelism", "0",
                        "--checkpoint-interval", "-5s",
                        "--model", "sdn",
                        "--delivery-guarantee", "twice")
                .setConfiguration(flinkConfig)
                .build();
        try {
            assertThatThrownBy(() -> PackagedProgramUtils.createJobGraph(program, flinkConfig, 1, false))
                    .isInstanceOf(ProgramInvocationException.class)
                    .rootCause()
                    .hasMessageContaining("parallelism")
                    .hasMessageContaining("checkpoint-interval")
                    .hasMessageContaining("sdn")
                    .hasMessageContaining("twice");
        } finally {
            program.close();
        }
    }
}
