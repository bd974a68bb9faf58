package io.streamrec.launcher.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /metrics} endpoint for everything a {@code streamrec run} brings up in its JVM: the embedded Flink
 * job's metrics (named exactly as Flink's Prometheus reporter names them on a cluster, so one dashboard serves
 * both) and, when the run starts it, the service's. It listens on the loopback address unless told otherwise.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusEndpoint.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();

    private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving {@code /metrics} on {@code host:port}; port 0 picks a free one.
     *
     * @throws IllegalArgumentException when the port is taken, saying which option to change
     */
    public static PrometheusEndpoint start(String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("--prometheus-port " + port + ": the port is taken on " + host + " ("
                    + e.getMessage() + "); choose another, or 0 for a free one");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not listen on " + host + ":" + port, e);
        }
        // the JDK server's default executor is one thread: a slow scrape would hold every other one back
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "streamrec-prometheus-endpoint");
            t.setDaemon(true);
            return t;
        });
        PrometheusEndpoint endpoint = new PrometheusEndpoint(server, executor);
        server.createContext("/metrics", endpoint::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info("Prometheus metrics at http://{}:{}/metrics", host, endpoint.port());
        return endpoint;
    }

    /** Adds what a later scrape also writes. */
    public void add(MetricsSource source) {
        sources.add(source);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/metrics";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            // written in full first, so a failing source is a 500 and never a truncated scrape
            StringWriter text = new StringWriter();
            try {
                for (MetricsSource source : sources) {
                    source.writeTo(text);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("A metrics source failed while being scraped: {}", e.toString());
                byte[] body = ("metrics unavailable: " + e).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (Writer out = new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8)) {
                out.write(text.toString());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
