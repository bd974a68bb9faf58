package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Reads a manifest into the Java model its operator is built on (fabric8's Kubernetes model, Strimzi's API) and
 * reports every field the model does not have, and a value of the wrong type.
 *
 * <p>Both models keep unknown fields in an "additional properties" map ({@code @JsonAnySetter}) so that a client
 * round-trips what it does not understand. A check must not: this reader ignores those any-setters, so an unknown
 * field reaches Jackson's unknown-property handling, where it is recorded with its path and skipped, and reading
 * goes on to find the next one. Scalars are not coerced ({@code "2"} is not an integer), as in the API server.
 */
final class StrictModelCheck {

    private static final String PROBLEMS = StrictModelCheck.class.getName() + ".problems";

    private final ObjectMapper mapper = JsonMapper.builder()
            .annotationIntrospector(new IgnoreAnySetters())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addHandler(new RecordUnknownFields())
            .build();

    /** A field found in the manifest and unknown to the model: its path in the document and the known names. */
    private record Unknown(String path, String name, Collection<String> known) {}

    /**
     * The problems of {@code node} (the whole document, or the part at {@code basePath}) read as {@code model}.
     *
     * @param basePath the path of {@code node} inside {@code doc}, empty for the whole document
     */
    List<Problem> check(YamlDocument doc, JsonNode node, String basePath, Class<?> model) {
        List<Unknown> unknown = new ArrayList<>();
        Problem wrongValue = null;
        try {
            mapper.readerFor(model).withAttribute(PROBLEMS, unknown).readValue(node);
        } catch (JsonMappingException e) {
            String path = join(basePath, pathOf(e.getPath()));
            wrongValue = new Problem(
                    doc.file(),
                    doc.lineOf(path),
                    doc.describe(),
                    path,
                    typeMessage(e, doc.tree().at(pointer(path))));
        } catch (IOException e) {
            wrongValue = new Problem(doc.file(), doc.lineOf(basePath), doc.describe(), basePath, e.getMessage());
        }
        // unknown fields in document order; a wrong value ends the reading, so it comes last
        List<Problem> problems = new ArrayList<>();
        for (Unknown u : unknown) {
            String path = join(basePath, u.path());
            problems.add(new Problem(
                    doc.file(), doc.lineOf(path), doc.describe(), path, Suggestions.unknownField(u.name(), u.known())));
        }
        if (wrongValue != null) {
            problems.add(wrongValue);
        }
        return problems;
    }

    /** Says what was found and what the model takes; Jackson's own message names Java types. */
    private static String typeMessage(JsonMappingException e, JsonNode found) {
        String rest = " (the rest of this object is checked once this is fixed)";
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String expected = expected(mismatch.getTargetType());
            String value = found.isMissingNode()
                    ? "this value"
                    : found.isTextual()
                            ? "the string \"" + found.asText() + "\""
                            : found.isContainerNode() ? (found.isArray() ? "a list" : "a map") : found.toString();
            return "wrong value: " + value + " where " + expected + " is expected" + rest;
        }
        String message = e.getOriginalMessage();
        int cut = message.indexOf('\n');
        return "wrong value: " + (cut < 0 ? message : message.substring(0, cut)) + rest;
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "a map";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    /** {@code spec.ports[0].port} → {@code /spec/ports/0/port}. */
    private static String pointer(String path) {
        if (path.isEmpty()) {
            return "";
        }
        return "/" + path.replace("[", ".").replace("]", "").replace(".", "/");
    }

    private static String join(String base, String path) {
        if (base.isEmpty()) {
            return path;
        }
        if (path.isEmpty()) {
            return base;
        }
        return path.startsWith("[") ? base + path : base + "." + path;
    }

    private static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The path of the field the parser is on, from its parsing contexts. */
    private static String pathOf(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                parts.push("[" + c.getCurrentIndex() + "]");
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** Turns the models' {@code @JsonAnySetter} off, so unknown fields are not swallowed. */
    private static final class IgnoreAnySetters extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
        }
    }

    private static final class RecordUnknownFields extends DeserializationProblemHandler {
        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(
                DeserializationContext ctxt,
                JsonParser p,
                JsonDeserializer<?> deserializer,
                Object beanOrClass,
                String propertyName)
                throws IOException {
            List<Unknown> unknown = (List<Unknown>) Objects.requireNonNull(ctxt.getAttribute(PROBLEMS));
            List<String> known = new ArrayList<>();
            Collection<Object> names = deserializer.getKnownPropertyNames();
            if (names != null) {
                names.forEach(n -> known.add(n.toString()));
            }
            unknown.add(new Unknown(pathOf(p.getParsingContext()), propertyName, known));
            p.skipChildren();
            return true;
        }
    }
}
