package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML files into {@link YamlDocument}s; a file that is not valid YAML becomes a {@link Problem}. */
final class YamlFiles {

    /** Duplicate keys are an error, as in Kubernetes' strict decoding (YAML itself forbids them). */
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private YamlFiles() {}

    /** The documents of a file, or the one problem that stopped it from being read. */
    record Parsed(List<YamlDocument> documents, List<Problem> problems) {}

    static Parsed read(Path path, String shownAs) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            return new Parsed(List.of(), List.of(new Problem(shownAs, 0, "", "", "cannot be read: " + e)));
        }
        List<JsonNode> trees = new ArrayList<>();
        List<Map<String, Integer>> lines = new ArrayList<>();
        try {
            try (JsonParser parser = YAML.createParser(text)) {
                while (parser.nextToken() != null) {
                    trees.add(YAML.readTree(parser));
                }
            }
            try (JsonParser parser = YAML.createParser(text)) {
                while (parser.nextToken() != null) {
                    lines.add(indexLines(parser));
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            return new Parsed(
                    List.of(), List.of(new Problem(shownAs, line, "", "", "is not valid YAML: " + reason(e))));
        } catch (IOException e) {
            return new Parsed(List.of(), List.of(new Problem(shownAs, 0, "", "", "cannot be read: " + e)));
        }
        List<YamlDocument> documents = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            if (trees.get(i) != null && !trees.get(i).isNull() && !trees.get(i).isMissingNode()) {
                documents.add(new YamlDocument(shownAs, i, trees.get(i), lines.get(i)));
            }
        }
        return new Parsed(documents, List.of());
    }

    /** The parser's reason on one line, without its excerpt of the file (which the line number replaces). */
    private static String reason(JsonProcessingException e) {
        List<String> parts = new ArrayList<>();
        for (String line : e.getOriginalMessage().split("\n")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        return String.join(": ", parts);
    }

    /**
     * Walks one document (the parser is on its first token) and records the line of every field and array element
     * by its path.
     */
    private static Map<String, Integer> indexLines(JsonParser parser) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        index(parser, "", lines);
        return lines;
    }

    private static void index(JsonParser parser, String path, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = path.isEmpty() ? parser.currentName() : path + "." + parser.currentName();
                lines.put(field, parser.currentTokenLocation().getLineNr());
                parser.nextToken();
                index(parser, field, lines);
            }
        } else if (parser.currentToken() == JsonToken.START_ARRAY) {
            int i = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                index(parser, path + "[" + i++ + "]", lines);
            }
        }
    }
}
