package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document the service serves, checked against the service's real answers. */
class OpenApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static TinyModel model;
    static LocalService service;
    static OpenAPI api;
    static List<UserVector> vectors;
    static String titled;
    static String other;

    @BeforeAll
    static void start() throws Exception {
        model = new TinyModel("sine", 40, 200, 2_000).train(4);
        List<ModelUpdate> full = model.full();
        vectors = model.vectors(model.lastSnapshots(1_000), full.get(0).getVersion());
        List<String> ids = full.stream()
                .flatMap(c -> c.getItemRows().stream())
                .map(io.streamrec.schemas.ItemRow::getItemId)
                .toList();
        titled = ids.get(0);
        other = ids.get(1);
        service = new LocalService(
                dir,
                ServingConfig.builder().maxBodyBytes(512),
                Map.of(titled, new io.streamrec.model.data.ItemDescription("Heat (1995)", List.of("Action", "Crime"))));
        service.apply(full);
        service.users(vectors);
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        SwaggerParseResult parsed =
                new OpenAPIParser().readContents(service.get("/openapi.yaml").body(), null, options);
        assertThat(parsed.getMessages()).as("the document parses cleanly").isEmpty();
        api = parsed.getOpenAPI();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        model.close();
    }

    private static void check(String path, String method, HttpResponse<String> response) throws Exception {
        Operation operation = "get".equals(method)
                ? api.getPaths().get(path).getGet()
                : api.getPaths().get(path).getPost();
        var documented = operation.getResponses().get(Integer.toString(response.statusCode()));
        assertThat(documented)
                .as("%s %s documents status %d", method, path, response.statusCode())
                .isNotNull();
        String type = response.headers().firstValue("Content-Type").orElseThrow();
        var media = documented.getContent().get(type);
        assertThat(media)
                .as("%s %s %d documents %s", method, path, response.statusCode(), type)
                .isNotNull();
        if (type.equals("application/json")) {
            List<String> problems = new ArrayList<>();
            validate(media.getSchema(), JSON.readTree(response.body()), "$", problems);
            assertThat(problems)
                    .as("%s %s %d: %s", method, path, response.statusCode(), response.body())
                    .isEmpty();
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void validate(Schema schema, JsonNode node, String at, List<String> problems) {
        String type = schema.getType();
        if (type == null && schema.getTypes() != null && !schema.getTypes().isEmpty()) {
            type = (String) schema.getTypes().iterator().next();
        }
        switch (type == null ? "" : type) {
            case "object" -> {
                if (!node.isObject()) {
                    problems.add(at + " is not an object");
                    return;
                }
                List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
                for (String name : required) {
                    if (!node.has(name)) {
                        problems.add(at + " lacks required " + name);
                    }
                }
                Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    Schema property = properties.get(name);
                    if (property == null) {
                        if (Boolean.FALSE.equals(schema.getAdditionalProperties())) {
                            problems.add(at + "." + name + " is not documented");
                        }
                    } else {
                        validate(property, node.get(name), at + "." + name, problems);
                    }
                }
            }
            case "array" -> {
                if (!node.isArray()) {
                    problems.add(at + " is not an array");
                    return;
                }
                for (int i = 0; i < node.size(); i++) {
                    validate(schema.getItems(), node.get(i), at + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!node.isTextual()) {
                    problems.add(at + " is not a string");
                } else if (schema.getEnum() != null && !schema.getEnum().contains(node.asText())) {
                    problems.add(at + " = " + node.asText() + " is not one of " + schema.getEnum());
                }
            }
            case "integer" -> {
                if (!node.isIntegralNumber()) {
                    problems.add(at + " is not an integer");
                }
            }
            case "number" -> {
                if (!node.isNumber()) {
                    problems.add(at + " is not a number");
                }
            }
            case "boolean" -> {
                if (!node.isBoolean()) {
                    problems.add(at + " is not a boolean");
                }
            }
            default -> problems.add(at + " has a schema without a type");
        }
    }

    @Test
    void everyAnswerMatchesItsDocumentedSchema() throws Exception {
        String user = vectors.get(0).getUserId();
        String users = "/v1/users/{userId}/recommendations";
        check(users, "get", service.get("/v1/users/" + user + "/recommendations?k=5"));
        check(users, "get", service.get("/v1/users/nobody/recommendations"));
        check(users, "get", service.get("/v1/users/" + user + "/recommendations?k=0"));
        String session = "/v1/recommendations";
        check(
                session,
                "post",
                service.post(
                        session,
                        "{\"items\": [\"" + titled + "\", \"" + other + "\"], \"k\": 4, \"excludeSeen\": false}"));
        check(session, "post", service.post(session, "{\"items\": 3}"));
        check(session, "post", service.post(session, "{\"items\": [\"" + "y".repeat(600) + "\"]}"));
        String similar = "/v1/items/{itemId}/similar";
        HttpResponse<String> heat = service.get("/v1/items/" + other + "/similar?k=200");
        assertThat(heat.body()).contains("Heat (1995)");
        check(similar, "get", heat);
        check(similar, "get", service.get("/v1/items/none/similar"));
        check("/health/live", "get", service.get("/health/live"));
        check("/health/ready", "get", service.get("/health/ready"));
        service.ready = false;
        try {
            check("/health/ready", "get", service.get("/health/ready"));
            check(users, "get", service.get("/v1/users/" + user + "/recommendations"));
        } finally {
            service.ready = true;
        }
        HttpResponse<String> metrics = service.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("streamrec_serving_model_version").contains("jvm_memory_used_bytes");
    }

    @Test
    void aSineUserIsAnsweredFromEveryInterestMergedByBestScore() throws Exception {
        UserVector user = vectors.get(0);
        assertThat(user.getInterests()).hasSize(3);
        JsonNode body =
                JSON.readTree(service.get("/v1/users/" + user.getUserId() + "/recommendations?k=10&excludeSeen=false")
                        .body());
        List<Double> scores = new ArrayList<>();
        for (JsonNode item : body.get("items")) {
            scores.add(item.get("score").asDouble());
        }
        assertThat(scores).hasSize(10).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        float best = Float.NEGATIVE_INFINITY;
        var index = service.sync.current().view();
        var space = service.sync.current().space();
        for (String id : index.index().itemIds(index.version())) {
            float[] v = index.index().vector(id, index.version());
            for (List<Float> interest : user.getInterests()) {
                float[] u = new float[interest.size()];
                for (int d = 0; d < u.length; d++) {
                    u[d] = interest.get(d);
                }
                // the model's score of the item as the index holds it (the logit, popularity prior included)
                float[] query = space.user(u);
                float dot = 0;
                for (int d = 0; d < v.length; d++) {
                    dot += v[d] * query[d];
                }
                best = Math.max(best, space.userScore(dot));
            }
        }
        assertThat(scores.get(0))
                .as("the best item over all interests comes first")
                .isCloseTo(best, org.assertj.core.data.Offset.offset(1e-5));
    }
}
