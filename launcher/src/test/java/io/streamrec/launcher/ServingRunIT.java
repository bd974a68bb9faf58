package io.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.embedded.EmbeddedKafkaBroker;
import io.streamrec.embedded.ListeningSockets;
import io.streamrec.launcher.cli.RunCommand;
import io.streamrec.launcher.cli.StreamrecCommand;
import io.streamrec.model.data.MovieLensDataset;
import io.streamrec.schemas.UserEvent;
import io.streamrec.serving.RecommendationService;
import io.streamrec.serving.ServingConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code streamrec run} with the serving API beside the job, on a real broker, over real HTTP: a user's events come
 * back as recommendations that leave out what they touched, the model version in the answers advances as deltas
 * arrive, and a service restarted on the same store catches up and answers the same.
 */
class ServingRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 12_000;
    private static final Pattern SERVING = Pattern.compile("Serving recommendations at (http://127\\.0\\.0\\.1:\\d+)");

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static List<String> items(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("items").forEach(i -> ids.add(i.get("itemId").asText()));
        return ids;
    }

    /** What each user touched among the replayed events, and when. */
    private static Map<String, List<UserEvent>> touched() throws Exception {
        Map<String, List<UserEvent>> byUser = new LinkedHashMap<>();
        try (Stream<UserEvent> events =
                MovieLensDataset.latestSmall(Path.of("../data/ml-latest-small")).events()) {
            events.limit(EVENTS)
                    .forEach(e -> byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>())
                            .add(e));
        }
        return byUser;
    }

    private static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("%s within %s", what, timeout).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    @Test
    void theJobsVectorsComeBackAsRecommendationsAndARestartedServiceAnswersTheSame(@TempDir Path dir) throws Exception {
        List<ListeningSockets.Listener> listenersBefore =
                ListeningSockets.available() ? ListeningSockets.ofThisJvm() : List.of();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            StringWriter out = new StringWriter();
            PrintWriter printer = new PrintWriter(out, true);
            CommandLine cli = StreamrecCommand.commandLine();
            RunCommand runCommand = (RunCommand) cli.getSubcommands().get("run").getCommand();
            // the duration only bounds a run that goes wrong: the test stops it once it has seen what it asserts
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.setOut(printer)
                    .setErr(printer)
                    .execute(
                            "run",
                            "--bootstrap-servers",
                            broker.bootstrapServers(),
                            "--duration",
                            "240",
                            "--limit",
                            Integer.toString(EVENTS),
                            "--model",
                            "meanpool",
                            "--delta-interval",
                            "2s",
                            "--checkpoint-interval",
                            "3s",
                            "--data-dir",
                            dir.resolve("run").toString(),
                            "--serving-port",
                            "0"));
            await(
                    "the serving address",
                    Duration.ofSeconds(90),
                    () -> SERVING.matcher(out.toString()).find());
            Matcher m = SERVING.matcher(out.toString());
            assertThat(m.find()).isTrue();
            String url = m.group(1);
            await("the service ready", Duration.ofSeconds(120), () -> status(url + "/health/ready") == 200);
            if (ListeningSockets.available()) {
                int servingPort = URI.create(url).getPort();
                List<ListeningSockets.Listener> opened = new ArrayList<>(ListeningSockets.ofThisJvm());
                opened.removeAll(listenersBefore);
                assertThat(opened)
                        .as("what the run opened, the serving API included")
                        .anySatisfy(l -> assertThat(l.port()).isEqualTo(servingPort))
                        .allSatisfy(l -> assertThat(l.loopback())
                                .as("%s is on loopback (all: %s)", l, opened)
                                .isTrue());
            }

            Map<String, List<UserEvent>> touched = touched();
            // users whose replayed events all lie within a day of their last one: all still in their vector's
            // recent items (session and 7-day long-term history), so excludeSeen must leave every one out
            Predicate<List<UserEvent>> recent = events -> events.size() <= 40
                    && events.get(events.size() - 1).getTimestamp()
                                    - events.get(0).getTimestamp()
                            < 86_400_000L;
            List<String> users = touched.entrySet().stream()
                    .filter(e -> recent.test(e.getValue()))
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(users).hasSizeGreaterThan(5);
            // the first FULL holds no items (the trainer has seen none); they arrive with the deltas
            await("recommendations for the first users", Duration.ofSeconds(140), () -> {
                for (String user : users.subList(0, 5)) {
                    String path = url + "/v1/users/" + user + "/recommendations?k=30";
                    if (status(path) != 200 || get(path).get("items").size() < 30) {
                        return false;
                    }
                }
                return true;
            });

            long firstVersion = -1;
            int answered = 0;
            for (String user : users) {
                if (status(url + "/v1/users/" + user + "/recommendations") != 200) {
                    continue;
                }
                JsonNode answer = get(url + "/v1/users/" + user + "/recommendations?k=30&excludeSeen=true");
                long reflected = answer.get("vectorEventTime").asLong();
                Set<String> seen = new HashSet<>();
                touched.get(user).stream()
                        .filter(e -> e.getTimestamp() <= reflected)
                        .forEach(e -> seen.add(e.getItemId()));
                assertThat(seen)
                        .as("the vector reflects some of user %s's events", user)
                        .isNotEmpty();
                assertThat(items(answer))
                        .as("user %s touched %s", user, seen)
                        .hasSize(30)
                        .doesNotContainAnyElementsOf(seen);
                assertThat(answer.get("modelName").asText()).isEqualTo("meanpool");
                assertThat(answer.get("items").get(0).get("title").asText())
                        .as("MovieLens titles")
                        .isNotBlank();
                if (firstVersion < 0) {
                    firstVersion = answer.get("modelVersion").asLong();
                }
                answered++;
            }
            assertThat(answered).isGreaterThanOrEqualTo(5);
            long before = firstVersion;
            await(
                    "the model version in answers to advance",
                    Duration.ofSeconds(60),
                    () -> get(url + "/v1/users/" + users.get(0) + "/recommendations")
                                    .get("modelVersion")
                                    .asLong()
                            > before);

            runCommand.stop();
            assertThat(run.get(90, TimeUnit.SECONDS)).as(out.toString()).isZero();
            assertThat(out.toString()).contains("Using Kafka at " + broker.bootstrapServers());

            // the job has stopped: two services on the same store, the second a restart of the first
            ServingConfig config = ServingConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .port(0)
                    .modelName("meanpool")
                    .dataDir(dir.resolve("service"))
                    .build();
            Map<String, String> answers = new HashMap<>();
            try (RecommendationService first = RecommendationService.start(config, Map.of())) {
                assertThat(first.awaitReady(120_000))
                        .as(first.status().detail())
                        .isTrue();
                for (String user : users.subList(0, 5)) {
                    answers.put(
                            user,
                            get(first.url() + "/v1/users/" + user + "/recommendations?k=20")
                                    .toString());
                }
            }
            try (RecommendationService restarted = RecommendationService.start(config, Map.of())) {
                assertThat(restarted.awaitReady(120_000))
                        .as(restarted.status().detail())
                        .isTrue();
                for (String user : users.subList(0, 5)) {
                    assertThat(get(restarted.url() + "/v1/users/" + user + "/recommendations?k=20")
                                    .toString())
                            .isEqualTo(answers.get(user));
                }
            }
        }
    }
}
