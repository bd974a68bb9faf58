package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.data.ItemDescription;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void badOptionsAreRefusedAtOnceNamingWhatToChange() {
        String[] result = run("--bootstrap-servers", "127.0.0.1:9", "--port", "70000", "--max-k", "0");
        assertThat(result[0]).isEqualTo("2");
        assertThat(result[1])
                .contains("port must be 0 (any free port) to 65535")
                .contains("maxK must be at least 1");

        String[] upkeep = run("--bootstrap-servers", "127.0.0.1:9", "--index-cpu-share", "0");
        assertThat(upkeep[0]).isEqualTo("2");
        assertThat(upkeep[1]).contains("--index-cpu-share").contains("must be in (0, 1]");
        String[] beam = run("--bootstrap-servers", "127.0.0.1:9", "--index-insert-beam-width", "8");
        assertThat(beam[1]).contains("--index-insert-beam-width").contains("at least maxDegree (32)");

        String[] missing = run("--port", "0");
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[1]).contains("--bootstrap-servers");

        String[] token = run("--bootstrap-servers", "127.0.0.1:9", "--auth-token-file", "/no/such/token");
        assertThat(token[1]).contains("--auth-token-file /no/such/token cannot be read");
    }

    @Test
    void movieLensTitlesAndGenresComeFromTheDatasetFolder() throws Exception {
        Map<String, ItemDescription> titles = ServeCommand.descriptions(Path.of("../data/ml-latest-small"));
        assertThat(titles).hasSizeGreaterThan(9_000);
        assertThat(titles.get("1"))
                .isEqualTo(new ItemDescription(
                        "Toy Story (1995)", List.of("Adventure", "Animation", "Children", "Comedy", "Fantasy")));
        assertThat(ServeCommand.descriptions(null)).isEmpty();
    }
}
