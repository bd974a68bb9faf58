package io.streamrec.flink.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL and Prometheus text format to check a dashboard against a scrape: the series selectors
 * ({@code metric{label=~"re", other="v"}}) of a Grafana dashboard's queries, the series of an exposition, and
 * whether a selector selects a series. Grafana variables ({@code $job}) match anything.
 */
public final class PromSelectors {

    /** The repository's Grafana dashboard (tests run in a module folder, or where {@code streamrec.home} says). */
    public static final Path DASHBOARD =
            Path.of(System.getProperty("streamrec.home", "..")).resolve("monitoring/grafana/dashboards/streamrec.json");

    private static final Pattern SELECTOR =
            Pattern.compile("\\b((?:flink|streamrec)_[A-Za-z0-9_:]*)\\s*(?:\\{([^}]*)\\})?");
    private static final Pattern MATCHER =
            Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");

    private PromSelectors() {}

    /** One label matcher of a selector. */
    public record LabelMatcher(String label, String op, String value) {
        public boolean matches(Map<String, String> labels) {
            String actual = labels.getOrDefault(label, "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> actual.matches(value);
                case "!~" -> !actual.matches(value);
                default -> throw new IllegalArgumentException("matcher " + op);
            };
        }
    }

    /** A series selector: a metric name and its label matchers. */
    public record Selector(String metric, List<LabelMatcher> matchers) {
        public boolean matches(Series series) {
            return series.metric().equals(metric) && matchers.stream().allMatch(m -> m.matches(series.labels()));
        }

        @Override
        public String toString() {
            if (matchers.isEmpty()) {
                return metric;
            }
            List<String> parts = new ArrayList<>();
            matchers.forEach(m -> parts.add(m.label() + m.op() + "\"" + m.value() + "\""));
            return metric + "{" + String.join(", ", parts) + "}";
        }
    }

    /** A series of a scrape. */
    public record Series(String metric, Map<String, String> labels) {}

    /** Every selector of every query of a dashboard: panel targets and templating queries. */
    public static List<Selector> ofDashboard(JsonNode dashboard) {
        List<Selector> selectors = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> selectors.addAll(ofQuery(e.asText())));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            if (query.isObject() && "query".equals(variable.path("type").asText())) {
                selectors.addAll(ofQuery(query.path("query").asText()));
            }
        }
        return selectors;
    }

    public static List<Selector> ofQuery(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher l = MATCHER.matcher(m.group(2));
                while (l.find()) {
                    String value = l.group(3);
                    String op = l.group(2);
                    if (GRAFANA_VARIABLE.matcher(value).find()) {
                        value = GRAFANA_VARIABLE.matcher(value).replaceAll(".*");
                        op = op.startsWith("!") ? "!~" : "=~";
                    }
                    matchers.add(new LabelMatcher(l.group(1), op, value));
                }
            }
            selectors.add(new Selector(m.group(1), matchers));
        }
        return selectors;
    }

    /** The series of a Prometheus text exposition (0.0.4). */
    public static List<Series> parseExposition(String text) {
        List<Series> series = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace < 0 || (space >= 0 && space < brace)) {
                series.add(new Series(line.substring(0, space < 0 ? line.length() : space), Map.of()));
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher l = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            series.add(new Series(line.substring(0, brace), labels));
        }
        return series;
    }

    /** The selectors that select no series of {@code exposition}, each once, as the dashboard writes them. */
    public static List<String> unmatched(List<Selector> selectors, String exposition) {
        List<Series> series = parseExposition(exposition);
        return selectors.stream()
                .filter(s -> series.stream().noneMatch(s::matches))
                .map(Selector::toString)
                .distinct()
                .toList();
    }
}
