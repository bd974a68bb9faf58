package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The OpenAPI schemas of custom resources, read from the CustomResourceDefinition files in a folder: for each
 * served version of each CRD, {@code spec.versions[].schema.openAPIV3Schema} by {@code apiVersion} and
 * {@code kind}. This is how the Flink Kubernetes Operator's kinds are checked: its API artifact is not on Maven
 * Central, but its CRDs are plain YAML.
 */
final class CrdSchemas {

    /** One version of one CRD: its schema and the file it came from. */
    record Schema(JsonNode openApiV3, String source) {}

    private final Path folder;
    private final Map<String, Schema> schemas;

    private CrdSchemas(Path folder, Map<String, Schema> schemas) {
        this.folder = folder;
        this.schemas = schemas;
    }

    /** No folder given: nothing is known. */
    static CrdSchemas none() {
        return new CrdSchemas(null, Map.of());
    }

    /**
     * Reads every {@code *.yaml}/{@code *.yml} file of {@code folder} (not its subfolders); documents that are not
     * CustomResourceDefinitions are skipped. A file that cannot be read is a problem.
     */
    static CrdSchemas read(Path folder, List<Problem> problems) throws IOException {
        Map<String, Schema> schemas = new HashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            YamlFiles.Parsed parsed = YamlFiles.read(file, file.toString());
            problems.addAll(parsed.problems());
            for (YamlDocument doc : parsed.documents()) {
                if (!"CustomResourceDefinition".equals(doc.text("kind").orElse(""))) {
                    continue;
                }
                JsonNode spec = doc.tree().path("spec");
                String group = spec.path("group").asText();
                String kind = spec.path("names").path("kind").asText();
                for (JsonNode version : spec.path("versions")) {
                    JsonNode schema = version.path("schema").path("openAPIV3Schema");
                    if (version.path("served").asBoolean(true) && schema.isObject()) {
                        schemas.put(
                                key(group + "/" + version.path("name").asText(), kind),
                                new Schema(schema, file.getFileName().toString()));
                    }
                }
            }
        }
        return new CrdSchemas(folder, Map.copyOf(schemas));
    }

    Optional<Schema> schemaOf(String apiVersion, String kind) {
        return Optional.ofNullable(schemas.get(key(apiVersion, kind)));
    }

    Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    List<String> kinds() {
        List<String> kinds = new ArrayList<>();
        schemas.keySet().forEach(k -> kinds.add(k.replace(' ', ':')));
        return kinds.stream().sorted().toList();
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }
}
