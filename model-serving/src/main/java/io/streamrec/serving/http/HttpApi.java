package io.streamrec.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.streamrec.serving.ApiException;
import io.streamrec.serving.Health;
import io.streamrec.serving.Recommendations;
import io.streamrec.serving.ServingConfig;
import io.streamrec.serving.ServingMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API on the JDK's {@link HttpServer} (or its {@link HttpsServer} when the configuration names a TLS key
 * store, and then HTTPS only) with a bounded pool of threads. Its OpenAPI document is served at
 * {@code /openapi.yaml}. Every error is a JSON {@code {"error", "detail"}} with its status, never a stack trace:
 * 400 for a bad k, id or body, 401 for a missing or wrong bearer token (when one is configured; {@code /v1} only),
 * 404 for an unknown user, item or path, 405 for a wrong method, 413 for a body over the limit, 503 until the
 * service is ready. Health, metrics and the document need no token (probes and scrapers).
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USERS = "/v1/users/";
    private static final String ITEMS = "/v1/items/";

    private final ServingConfig config;
    private final Recommendations recommendations;
    private final Health health;
    private final ServingMetrics metrics;
    private final HttpServer server;
    /** Bytes of an oversized body read and dropped before it is refused (see {@link #refuseAfterDraining}). */
    static final int MAX_DRAINED_BYTES = 4 << 20;

    private final ThreadPoolExecutor executor;
    private final byte[] openApi;
    private final byte[] token;

    public HttpApi(ServingConfig config, Recommendations recommendations, Health health, ServingMetrics metrics)
            throws IOException {
        this.config = config;
        this.recommendations = recommendations;
        this.health = health;
        this.metrics = metrics;
        this.token = config.authToken() == null ? null : config.authToken().getBytes(StandardCharsets.UTF_8);
        try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.yaml")) {
            this.openApi = in.readAllBytes();
        }
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                config.httpThreads(),
                config.httpThreads(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.httpQueue())),
                r -> {
                    Thread t = new Thread(r, "serving-http-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.CallerRunsPolicy());
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        if (config.tls()) {
            HttpsServer https = HttpsServer.create(address, 256);
            https.setHttpsConfigurator(
                    new HttpsConfigurator(TlsContext.fromKeyStore(config.tlsKeyStore(), config.tlsKeyStorePassword())));
            this.server = https;
        } else {
            this.server = HttpServer.create(address, 256);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        MetricsHandler metricsHandler = new MetricsHandler(metrics.registry());
        server.createContext("/metrics", exchange -> {
            long started = System.nanoTime();
            metricsHandler.handle(exchange);
            metrics.request("/metrics", exchange.getResponseCode(), System.nanoTime() - started);
        });
    }

    public void start() {
        server.start();
    }

    /** The port the server listens on (the one picked when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String endpoint = "other";
        int status;
        try {
            String path = exchange.getRequestURI().getRawPath();
            endpoint = endpoint(path);
            status = route(exchange, path);
        } catch (ApiException e) {
            status = e.status();
            error(exchange, e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            status = 500;
            error(exchange, new ApiException(500, "internal", "the request failed inside the service; see its log"));
        } finally {
            exchange.close();
        }
        metrics.request(endpoint, status, System.nanoTime() - started);
    }

    private static String endpoint(String path) {
        if (path.startsWith(USERS) && path.endsWith("/recommendations")) {
            return "/v1/users/{userId}/recommendations";
        }
        if (path.startsWith(ITEMS) && path.endsWith("/similar")) {
            return "/v1/items/{itemId}/similar";
        }
        return switch (path) {
            case "/v1/recommendations", "/health/live", "/health/ready", "/openapi.yaml" -> path;
            default -> "other";
        };
    }

    private int route(HttpExchange exchange, String path) throws IOException {
        switch (path) {
            case "/health/live":
                requireMethod(exchange, "GET");
                return send(exchange, 200, JSON.createObjectNode().put("status", "live"));
            case "/health/ready":
                requireMethod(exchange, "GET");
                Health.Status status = health.status();
                ObjectNode body = JSON.createObjectNode()
                        .put("status", status.ready() ? "ready" : "not-ready")
                        .put("detail", status.detail());
                if (status.modelVersion() > 0) {
                    body.put("modelVersion", status.modelVersion());
                }
                return send(exchange, status.ready() ? 200 : 503, body);
            case "/openapi.yaml":
                requireMethod(exchange, "GET");
                exchange.getResponseHeaders().set("Content-Type", "application/yaml");
                exchange.sendResponseHeaders(200, openApi.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(openApi);
                }
                return 200;
            case "/v1/recommendations":
                requireMethod(exchange, "POST");
                authorize(exchange);
                requireReady();
                return send(exchange, 200, answer(session(exchange)));
            default:
                break;
        }
        if (path.startsWith(USERS) && path.endsWith("/recommendations")) {
            requireMethod(exchange, "GET");
            authorize(exchange);
            Map<String, String> query = query(exchange);
            String userId = segment(path, USERS, "/recommendations");
            int k = intParam(query, "k", ServingConfig.DEFAULT_K);
            boolean excludeSeen = boolParam(query, "excludeSeen", true);
            requireReady();
            return send(exchange, 200, answer(recommendations.forUser(userId, k, excludeSeen)));
        }
        if (path.startsWith(ITEMS) && path.endsWith("/similar")) {
            requireMethod(exchange, "GET");
            authorize(exchange);
            Map<String, String> query = query(exchange);
            String itemId = segment(path, ITEMS, "/similar");
            int k = intParam(query, "k", ServingConfig.DEFAULT_K);
            requireReady();
            return send(exchange, 200, answer(recommendations.similar(itemId, k)));
        }
        throw ApiException.notFound("not-found", "no endpoint at " + path + "; the API is described at /openapi.yaml");
    }

    private void requireReady() {
        Health.Status status = health.status();
        if (!status.ready()) {
            throw ApiException.unavailable(status.detail());
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiException(
                    405, "method-not-allowed", exchange.getRequestMethod() + " is not allowed here; use " + method);
        }
    }

    private void authorize(HttpExchange exchange) {
        if (token == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"streamrec\"");
            throw new ApiException(
                    401,
                    "unauthorized",
                    header == null
                            ? "this service needs an Authorization: Bearer <token> header"
                            : "the bearer token is wrong");
        }
    }

    private record Session(List<String> items, int k, boolean excludeSeen) {}

    private Recommendations.Answer session(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("bad-body", "Content-Length is not a number");
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            if (declared > config.maxBodyBytes()) {
                refuseAfterDraining(exchange, in);
            }
            body = in.readNBytes(config.maxBodyBytes() + 1);
            if (body.length > config.maxBodyBytes()) {
                refuseAfterDraining(exchange, in);
            }
        }
        Session s = parseSession(body);
        return recommendations.forSession(s.items(), s.k(), s.excludeSeen());
    }

    /**
     * Refuses an oversized body with a 413, after reading and dropping up to {@link #MAX_DRAINED_BYTES} of it: a
     * connection closed while the client is still sending is reset, and the reset can destroy the 413 on its way (the
     * JDK server drops only 64 KiB itself). A larger body gets the 413 with {@code Connection: close}.
     */
    private void refuseAfterDraining(HttpExchange exchange, InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        long drained = 0;
        int read;
        while (drained < MAX_DRAINED_BYTES && (read = in.read(sink)) >= 0) {
            drained += read;
        }
        if (drained >= MAX_DRAINED_BYTES) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        throw tooLarge();
    }

    private ApiException tooLarge() {
        return new ApiException(413, "body-too-large", "the body must be at most " + config.maxBodyBytes() + " bytes");
    }

    private static Session parseSession(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("bad-body", "the body is not JSON: " + firstLine(e));
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("bad-body", "the body must be a JSON object {\"items\": [...], \"k\": 50}");
        }
        JsonNode items = root.get("items");
        if (items == null || !items.isArray()) {
            throw ApiException.badRequest("bad-body", "\"items\" must be an array of item ids, oldest first");
        }
        List<String> ids = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            if (!item.isTextual()) {
                throw ApiException.badRequest("bad-body", "every entry of \"items\" must be a string");
            }
            ids.add(item.asText());
        }
        int k = ServingConfig.DEFAULT_K;
        JsonNode kNode = root.get("k");
        if (kNode != null && !kNode.isNull()) {
            if (!kNode.canConvertToInt() || !kNode.isIntegralNumber()) {
                throw ApiException.badRequest("bad-k", "\"k\" must be an integer");
            }
            k = kNode.intValue();
        }
        boolean excludeSeen = true;
        JsonNode exclude = root.get("excludeSeen");
        if (exclude != null && !exclude.isNull()) {
            if (!exclude.isBoolean()) {
                throw ApiException.badRequest("bad-body", "\"excludeSeen\" must be true or false");
            }
            excludeSeen = exclude.booleanValue();
        }
        for (var names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("items", "k", "excludeSeen").contains(name)) {
                throw ApiException.badRequest("bad-body", "unknown field \"" + name + "\"");
            }
        }
        return new Session(ids, k, excludeSeen);
    }

    private static String firstLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String segment(String rawPath, String prefix, String suffix) {
        String raw = rawPath.substring(prefix.length(), rawPath.length() - suffix.length());
        if (raw.isEmpty() || raw.contains("/")) {
            throw ApiException.badRequest("bad-id", "the path must hold exactly one id: " + prefix + "{id}" + suffix);
        }
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad-id", "the id is not valid percent-encoding");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("bad-query", "the query string is not valid percent-encoding");
            }
        }
        return params;
    }

    private static int intParam(Map<String, String> query, String name, int defaultValue) {
        String value = query.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("bad-" + name, name + " must be an integer, got '" + value + "'");
        }
    }

    private static boolean boolParam(Map<String, String> query, String name, boolean defaultValue) {
        String value = query.get(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("bad-query", name + " must be true or false, got '" + value + "'");
        };
    }

    static ObjectNode answer(Recommendations.Answer a) {
        ObjectNode node = JSON.createObjectNode();
        if (a.userId() != null) {
            node.put("userId", a.userId());
        }
        if (a.itemId() != null) {
            node.put("itemId", a.itemId());
        }
        node.put("modelName", a.modelName());
        node.put("modelVersion", a.modelVersion());
        if (a.vectorModelVersion() != null) {
            node.put("vectorModelVersion", a.vectorModelVersion());
        }
        if (a.vectorEventTime() != null) {
            node.put("vectorEventTime", a.vectorEventTime());
        }
        ArrayNode items = node.putArray("items");
        for (Recommendations.Item item : a.items()) {
            ObjectNode i = items.addObject().put("itemId", item.itemId()).put("score", item.score());
            if (item.title() != null) {
                i.put("title", item.title());
            }
            if (item.genres() != null) {
                ArrayNode genres = i.putArray("genres");
                item.genres().forEach(genres::add);
            }
        }
        return node;
    }

    private static void error(HttpExchange exchange, ApiException e) {
        try {
            if (e.status() == 503) {
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            send(
                    exchange,
                    e.status(),
                    JSON.createObjectNode().put("error", e.error()).put("detail", e.detail()));
        } catch (IOException | RuntimeException io) {
            LOG.debug("could not send an error response: {}", io.toString());
        }
    }

    private static int send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
