package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * One document of a YAML file, as a tree, with the line of each field so that a problem found in the tree can name
 * the line a person has to edit.
 *
 * @param file the file as the user named it
 * @param index 0-based position of the document in its file
 * @param tree the document
 * @param lines 1-based line of each field and array element, by its path ({@code spec.ports[0].port})
 */
record YamlDocument(String file, int index, JsonNode tree, Map<String, Integer> lines) {

    /** The line of {@code path}, or of its nearest enclosing field that has one; 0 when none is known. */
    int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return lines.getOrDefault("", 0);
    }

    Optional<String> text(String field) {
        JsonNode value = tree.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** {@code Kind/name} for messages, with what is there of the two. */
    String describe() {
        String kind = text("kind").orElse("(no kind)");
        JsonNode name = tree.path("metadata").path("name");
        return name.isTextual() ? kind + "/" + name.asText() : kind;
    }
}
