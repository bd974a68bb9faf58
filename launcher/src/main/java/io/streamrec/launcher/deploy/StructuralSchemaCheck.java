package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a custom resource against its CRD's OpenAPI v3 schema the way the API server does with strict field
 * validation ({@code kubectl apply --validate=strict}): types, enums, int-or-string, {@code anyOf} and required fields,
 * and an unknown field is an error unless its object says {@code x-kubernetes-preserve-unknown-fields} or takes
 * {@code additionalProperties}. {@code apiVersion}, {@code kind} and {@code metadata} are the caller's business.
 */
final class StructuralSchemaCheck {

    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private final YamlDocument doc;
    private final boolean partial;
    private final List<Problem> problems = new ArrayList<>();

    /**
     * @param partial the document is a patch: fields it leaves out are not missing
     */
    private StructuralSchemaCheck(YamlDocument doc, boolean partial) {
        this.doc = doc;
        this.partial = partial;
    }

    static List<Problem> check(YamlDocument doc, JsonNode schema, boolean partial) {
        StructuralSchemaCheck check = new StructuralSchemaCheck(doc, partial);
        check.validate(doc.tree(), schema, "");
        return check.problems;
    }

    private void validate(JsonNode value, JsonNode schema, String path) {
        if (value.isNull()) {
            // a null leaves the field unset: apply drops it
            return;
        }
        if (!typeMatches(value, schema, path)) {
            return;
        }
        checkEnum(value, schema, path);
        if (schema.has("anyOf") && !matchesAny(value, schema.get("anyOf"), path)) {
            return;
        }
        if (value.isObject()) {
            validateObject(value, schema, path);
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(value.get(i), schema.get("items"), path + "[" + i + "]");
            }
        }
    }

    private void validateObject(JsonNode value, JsonNode schema, String path) {
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean preserveUnknown =
                schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            String child = path.isEmpty() ? name : path + "." + name;
            if (path.isEmpty() && ROOT_FIELDS.contains(name)) {
                continue;
            }
            if (properties.has(name)) {
                validate(field.getValue(), properties.get(name), child);
            } else if (additional != null && additional.isObject()) {
                validate(field.getValue(), additional, child);
            } else if (!preserveUnknown && !(additional != null && additional.asBoolean(false))) {
                Set<String> known = new TreeSet<>();
                properties.fieldNames().forEachRemaining(known::add);
                if (path.isEmpty()) {
                    known.addAll(ROOT_FIELDS);
                }
                add(child, Suggestions.unknownField(name, known));
            }
        }
        if (!partial) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    String missing = path.isEmpty() ? required.asText() : path + "." + required.asText();
                    add(path, "missing required field '" + missing + "'");
                }
            }
        }
    }

    private boolean typeMatches(JsonNode value, JsonNode schema, String path) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (value.isIntegralNumber() || value.isTextual()) {
                return true;
            }
            add(path, "wrong value: expected an integer or a string, got " + describe(value));
            return false;
        }
        String type = schema.path("type").asText("");
        boolean matches = switch (type) {
            case "" -> true;
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!matches) {
            add(path, "wrong value: expected " + article(type) + ", got " + describe(value));
        }
        return matches;
    }

    private void checkEnum(JsonNode value, JsonNode schema, String path) {
        JsonNode allowed = schema.get("enum");
        if (allowed == null || !allowed.isArray()) {
            return;
        }
        for (JsonNode candidate : allowed) {
            if (candidate.equals(value)
                    || (candidate.isValueNode() && candidate.asText().equals(value.asText()))) {
                return;
            }
        }
        List<String> names = new ArrayList<>();
        allowed.forEach(a -> names.add(a.asText()));
        add(path, "'" + value.asText() + "' is not one of " + String.join(", ", names));
    }

    private boolean matchesAny(JsonNode value, JsonNode alternatives, String path) {
        List<String> described = new ArrayList<>();
        for (JsonNode alternative : alternatives) {
            StructuralSchemaCheck trial = new StructuralSchemaCheck(doc, partial);
            trial.validate(value, alternative, path);
            if (trial.problems.isEmpty()) {
                return true;
            }
            described.add(alternative.path("type").asText("a value"));
        }
        add(path, "wrong value: " + describe(value) + " matches none of " + String.join(", ", described));
        return false;
    }

    private static String article(String type) {
        return switch (type) {
            case "object" -> "an object (a map)";
            case "array" -> "a list";
            case "integer" -> "an integer";
            default -> "a " + type;
        };
    }

    private static String describe(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "the string '" + value.asText() + "'";
        }
        return value.getNodeType().name().toLowerCase() + " " + value;
    }

    private void add(String path, String message) {
        problems.add(new Problem(doc.file(), doc.lineOf(path), doc.describe(), path, message));
    }
}
