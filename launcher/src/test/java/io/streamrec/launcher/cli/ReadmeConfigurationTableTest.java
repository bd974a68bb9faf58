package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.config.OptionTable;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.model.ModelSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables are generated from the option tables, and this test keeps them in step: it fails
 * when an option was added, removed or changed without the README. To regenerate the tables, run it with
 * {@code -Dstreamrec.readme.update=true}:
 *
 * <pre>{@code ./mvnw -o -pl launcher -am test -Dtest=ReadmeConfigurationTableTest
 *         -Dsurefire.failIfNoSpecifiedTests=false -Dstreamrec.readme.update=true}</pre>
 */
class ReadmeConfigurationTableTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void theReadmeListsEveryJobOptionAsTheTableDeclaresIt() throws IOException {
        assertGenerated("job options", JobOptions.TABLE.markdown(OptionTable.Naming.COMMAND_LINE));
    }

    @Test
    void theReadmeListsEveryTrainerSettingAsTheTableDeclaresIt() throws IOException {
        assertGenerated("trainer settings", ModelSettings.TABLE.markdown(OptionTable.Naming.KEYS));
    }

    @Test
    void theReadmeListsTheServingOptionsOfRunAsTheTableDeclaresThem() throws IOException {
        assertGenerated("run serving options", ServingCompanion.OPTIONS.markdown(OptionTable.Naming.COMMAND_LINE));
    }

    private static void assertGenerated(String name, String expected) throws IOException {
        String begin = "<!-- generated: " + name + " (ReadmeConfigurationTableTest) -->\n";
        String end = "<!-- end of generated: " + name + " -->";
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertThat(from).as("README.md holds the marker %s", begin.trim()).isNotNegative();
        assertThat(to).as("README.md holds the marker %s", end).isGreaterThan(from);
        String actual = readme.substring(from + begin.length(), to);
        if (!actual.equals(expected) && Boolean.getBoolean("streamrec.readme.update")) {
            Files.writeString(
                    README,
                    readme.substring(0, from + begin.length()) + expected + readme.substring(to),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual)
                .as(
                        "the README's table of %s differs from the option declarations; regenerate it (see this test's"
                                + " javadoc)",
                        name)
                .isEqualTo(expected);
    }
}
