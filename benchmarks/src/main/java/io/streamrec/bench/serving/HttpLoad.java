package io.streamrec.bench.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop HTTP load on a running service: requests at a fixed rate, each timed from when it was due. A share of
 * them are bad (unknown user, k out of range, a malformed id, a broken or oversized body), the rest ask for the top 50
 * of a known user; the good requests' latency is what is reported.
 */
final class HttpLoad {

    /** @param badAnsweredWithError bad requests answered with their 4xx */
    record Result(double goodP50Ms, double goodP99Ms, long good, long bad, long badAnsweredWithError) {}

    private final String url;
    private final int users;
    private final long seed;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpLoad(String url, int users, long seed) {
        this.url = url;
        this.users = users;
        this.seed = seed;
    }

    Result run(double qps, int seconds, double badShare) throws InterruptedException {
        Random random = new Random(seed);
        int total = (int) (qps * seconds);
        long[] latencies = new long[total];
        boolean[] good = new boolean[total];
        AtomicLong rejected = new AtomicLong();
        CompletableFuture<?>[] pending = new CompletableFuture<?>[total];
        long period = (long) (1e9 / qps);
        long start = System.nanoTime() + 1_000_000;
        for (int i = 0; i < total; i++) {
            boolean bad = random.nextDouble() < badShare;
            HttpRequest request = bad ? badRequest(random) : goodRequest(random);
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int n = i;
            good[n] = !bad;
            pending[n] = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response -> {
                        latencies[n] = System.nanoTime() - due;
                        if (bad && response.statusCode() >= 400 && response.statusCode() < 500) {
                            rejected.incrementAndGet();
                        }
                        if (!bad && response.statusCode() != 200) {
                            throw new IllegalStateException(
                                    "a good request failed: " + response.statusCode() + " " + response.body());
                        }
                    });
        }
        CompletableFuture.allOf(pending).join();
        long[] goodLatencies = new long[total];
        int g = 0;
        for (int i = 0; i < total; i++) {
            if (good[i]) {
                goodLatencies[g++] = latencies[i];
            }
        }
        long[] sorted = Arrays.copyOf(goodLatencies, g);
        Arrays.sort(sorted);
        return new Result(
                sorted[g / 2] / 1e6, sorted[Math.min(g - 1, (int) (g * 0.99))] / 1e6, g, total - g, rejected.get());
    }

    private HttpRequest goodRequest(Random random) {
        return get("/v1/users/u" + random.nextInt(users) + "/recommendations?k=50");
    }

    private HttpRequest badRequest(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> get("/v1/users/nobody-" + random.nextInt(1_000) + "/recommendations");
            case 1 -> get("/v1/users/u1/recommendations?k=0");
            case 2 -> get("/v1/users/u1/recommendations?k=100000");
            case 3 -> get("/v1/users/" + "x".repeat(400) + "/recommendations");
            case 4 -> post("{\"items\": [1, 2");
            default -> post("{\"items\": [\"" + "y".repeat(80_000) + "\"]}");
        };
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(url + "/v1/recommendations"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
