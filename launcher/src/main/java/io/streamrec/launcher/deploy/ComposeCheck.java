package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a Compose file against the Compose Specification's JSON schema (draft 7: unknown fields are refused
 * where the specification says so, which is almost everywhere), then what the schema cannot see: every
 * {@code depends_on} names a service of the file, and every named volume a service mounts is declared.
 */
final class ComposeCheck {

    static final String SCHEMA_FILE = "compose-spec.json";
    private static final String BUNDLED = "compose-spec.json";

    private final Schema schema;
    private final JsonNode schemaTree;
    private final String schemaSource;

    private ComposeCheck(JsonNode schemaTree, String schemaSource) {
        this.schemaTree = schemaTree;
        this.schemaSource = schemaSource;
        ObjectNode withoutDialect = schemaTree.deepCopy();
        // the file names its draft by a URL; the validator is told the draft instead of resolving it
        withoutDialect.remove("$schema");
        // and its relative $id is no base to resolve against: its $refs are all local (#/definitions/...)
        withoutDialect.remove("$id");
        this.schema =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(withoutDialect);
    }

    /** The schema in {@code folder} when it has one (a newer specification), else the one streamrec ships. */
    static ComposeCheck load(Optional<Path> folder) {
        try {
            if (folder.isPresent() && Files.isRegularFile(folder.get().resolve(SCHEMA_FILE))) {
                Path file = folder.get().resolve(SCHEMA_FILE);
                return new ComposeCheck(YamlFiles.YAML.readTree(file.toFile()), file.toString());
            }
            try (InputStream bundled = ComposeCheck.class.getResourceAsStream(BUNDLED)) {
                if (bundled == null) {
                    throw new IllegalStateException("The Compose schema is missing from the streamrec jar");
                }
                return new ComposeCheck(
                        YamlFiles.YAML.readTree(bundled),
                        "the Compose Specification schema " + "shipped with streamrec");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Compose Specification schema", e);
        }
    }

    String schemaSource() {
        return schemaSource;
    }

    List<Problem> check(YamlDocument doc) {
        List<Problem> problems = new ArrayList<>();
        for (Error error : schema.validate(doc.tree())) {
            String path = pathOf(error.getInstanceLocation().toString());
            String message = error.getMessage();
            if ("additionalProperties".equals(error.getKeyword()) && error.getProperty() != null) {
                String field = path.isEmpty() ? error.getProperty() : path + "." + error.getProperty();
                problems.add(new Problem(
                        doc.file(),
                        doc.lineOf(field),
                        "",
                        field,
                        Suggestions.unknownField(error.getProperty(), knownProperties(error))));
                continue;
            }
            int colon = message.indexOf(": ");
            if (message.startsWith("$") && colon > 0) {
                message = message.substring(colon + 2);
            }
            problems.add(new Problem(doc.file(), doc.lineOf(path), "", path, message));
        }
        problems.addAll(references(doc));
        return problems;
    }

    /** The properties the schema object that refused an unknown field does know. */
    private Set<String> knownProperties(Error error) {
        Set<String> known = new TreeSet<>();
        JsonNode parent = error.getSchemaNode();
        String location = error.getSchemaLocation() == null
                ? ""
                : error.getSchemaLocation().toString();
        int fragment = location.indexOf('#');
        if (fragment >= 0) {
            String pointer = location.substring(fragment + 1);
            if (pointer.endsWith("/additionalProperties")) {
                pointer = pointer.substring(0, pointer.length() - "/additionalProperties".length());
            }
            parent = schemaTree.at(pointer);
        }
        parent.path("properties").fieldNames().forEachRemaining(known::add);
        return known;
    }

    private static List<Problem> references(YamlDocument doc) {
        List<Problem> problems = new ArrayList<>();
        JsonNode services = doc.tree().path("services");
        Set<String> volumes = new TreeSet<>();
        doc.tree().path("volumes").fieldNames().forEachRemaining(volumes::add);
        Iterator<Map.Entry<String, JsonNode>> entries = services.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> service = entries.next();
            String base = "services." + service.getKey();
            JsonNode dependsOn = service.getValue().path("depends_on");
            List<String> needed = new ArrayList<>();
            if (dependsOn.isArray()) {
                dependsOn.forEach(d -> needed.add(d.asText()));
            } else {
                dependsOn.fieldNames().forEachRemaining(needed::add);
            }
            for (String name : needed) {
                if (!services.has(name)) {
                    String field = base + ".depends_on";
                    problems.add(new Problem(
                            doc.file(),
                            doc.lineOf(field),
                            "",
                            field,
                            "depends on '" + name + "', which is not a service of this file"));
                }
            }
            JsonNode mounts = service.getValue().path("volumes");
            for (int i = 0; i < mounts.size(); i++) {
                String source = mounts.get(i).isTextual()
                        ? mounts.get(i).asText().split(":", 2)[0]
                        : mounts.get(i).path("source").asText("");
                boolean named = !source.isEmpty()
                        && !source.startsWith(".")
                        && !source.startsWith("/")
                        && !source.startsWith("~")
                        && !source.startsWith("$");
                if (named && !volumes.contains(source)) {
                    String field = base + ".volumes[" + i + "]";
                    problems.add(new Problem(
                            doc.file(),
                            doc.lineOf(field),
                            "",
                            field,
                            "mounts the volume '" + source + "', which the top-level 'volumes' does not declare"));
                }
            }
        }
        return problems;
    }

    /** {@code /services/kafka/ports/0} (or {@code $.services.kafka.ports[0]}) → {@code services.kafka.ports[0]}. */
    static String pathOf(String location) {
        if (location.startsWith("/") || location.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (String segment : location.split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                String name = segment.replace("~1", "/").replace("~0", "~");
                if (name.chars().allMatch(Character::isDigit)) {
                    path.append('[').append(name).append(']');
                } else {
                    path.append(path.length() == 0 ? "" : ".").append(name);
                }
            }
            return path.toString();
        }
        String path = location.startsWith("$") ? location.substring(1) : location;
        return path.startsWith(".") ? path.substring(1) : path;
    }
}
