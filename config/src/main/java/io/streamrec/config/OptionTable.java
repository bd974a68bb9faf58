package io.streamrec.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every option of one component, in sections, with the checks that involve several of them: the one place a
 * component's configuration is declared. From it come the values ({@link #parse}, from any source of text), the
 * check that reports every problem at once ({@link #validate}), and the documentation ({@link #markdown}).
 */
public final class OptionTable {

    /** A rule over several options; it adds a problem for each violation it finds. */
    @FunctionalInterface
    public interface CrossCheck {
        void check(Settings settings, Problems problems);
    }

    /** A heading and its options, in the order help and documentation show them. */
    public record Section(String heading, List<Option<?>> options) {
        public Section {
            options = List.copyOf(options);
        }
    }

    /**
     * How problems name options: {@code --checkpoint-interval} on a command line,
     * {@code streamrec.checkpoint-interval} in a Flink configuration.
     */
    @FunctionalInterface
    public interface Naming extends Function<String, String> {
        /** The option key as it is. */
        Naming KEYS = key -> key;

        /** Command-line options; an entry of a map option is {@code --kafka-property security.protocol}. */
        Naming COMMAND_LINE = new Naming() {
            @Override
            public String apply(String key) {
                return "--" + key;
            }

            @Override
            public String entry(Option<?> mapOption, String entryKey) {
                return "--" + mapOption.key() + " " + entryKey;
            }
        };

        /** Keys under a prefix, as in a Flink configuration. */
        static Naming prefixed(String prefix) {
            return key -> prefix + key;
        }

        /** An entry of a map option: by default its key in a flat configuration, under the option's prefix. */
        default String entry(Option<?> mapOption, String entryKey) {
            return apply(mapOption.prefix() + entryKey);
        }

        /** The naming of the entries of {@code mapOption}, as options of a table of their own. */
        default Naming entriesOf(Option<?> mapOption) {
            Naming outer = this;
            return entryKey -> outer.entry(mapOption, entryKey);
        }
    }

    /** The problems found so far, and how to name options in them. */
    public static final class Problems {
        private final List<String> found = new ArrayList<>();
        private final Naming naming;

        private Problems(Naming naming) {
            this.naming = naming;
        }

        /** {@code option} as the user wrote it. */
        public String name(Option<?> option) {
            return naming.apply(option.key());
        }

        /** How this list names options. */
        public Naming naming() {
            return naming;
        }

        /** A problem: what is wrong, and what to change. */
        public void add(String problem) {
            found.add(problem);
        }

        public List<String> list() {
            return Collections.unmodifiableList(found);
        }
    }

    private final String title;
    private final List<Section> sections;
    private final List<CrossCheck> crossChecks;
    private final Map<String, Option<?>> byKey = new LinkedHashMap<>();
    private final Map<String, Option<?>> byPrefix = new LinkedHashMap<>();

    private OptionTable(String title, List<Section> sections, List<CrossCheck> crossChecks) {
        this.title = title;
        this.sections = List.copyOf(sections);
        this.crossChecks = List.copyOf(crossChecks);
        for (Section section : sections) {
            for (Option<?> option : section.options()) {
                if (byKey.put(option.key(), option) != null) {
                    throw new IllegalArgumentException("option " + option.key() + " is declared twice in " + title);
                }
                if (option.prefix() != null) {
                    byPrefix.put(option.prefix(), option);
                }
            }
        }
    }

    /** An empty list of problems naming options as {@code naming} does, to pass to {@link #validate}. */
    public Problems newProblems(Naming naming) {
        return new Problems(naming);
    }

    /** Starts a table; {@code title} names the component in messages ("streamrec job options"). */
    public static Builder builder(String title) {
        return new Builder(title);
    }

    public String title() {
        return title;
    }

    public List<Section> sections() {
        return sections;
    }

    /** Every option, in section order. */
    public List<Option<?>> options() {
        return List.copyOf(byKey.values());
    }

    /** The option of {@code key}, if this table declares it. */
    public Optional<Option<?>> find(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * Reads options from text: keys as declared, map entries as {@code prefix + entry key}. Checks every value and
     * the cross-option rules.
     *
     * @throws InvalidConfigException listing every unknown key, unreadable value and failed check at once
     */
    public Settings parse(Map<String, String> text, Naming naming) {
        Problems problems = newProblems(naming);
        Settings settings = read(text, problems);
        validate(settings, problems); // an unreadable value is left out, so its default is checked instead
        throwIfAny(problems.list());
        return settings;
    }

    /** {@link #parse(Map, Naming)}, naming options by their keys. */
    public Settings parse(Map<String, String> text) {
        return parse(text, Naming.KEYS);
    }

    /**
     * Reads what it can of {@code text} into settings and adds a problem for every unknown key and unreadable value
     * (values are not checked here).
     */
    public Settings read(Map<String, String> text, Problems problems) {
        Settings.Builder settings = Settings.builder();
        Map<Option<Map<String, String>>, Map<String, String>> entries = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(text).entrySet()) {
            String key = e.getKey().trim();
            Option<?> option = byKey.get(key);
            if (option != null && option.prefix() == null) {
                readValue(option, e.getValue(), settings, problems);
                continue;
            }
            Option<Map<String, String>> mapOption = mapOptionOf(key);
            if (mapOption != null) {
                String entryKey = key.substring(mapOption.prefix().length());
                if (entryKey.isBlank()) {
                    problems.add(problems.name(mapOption) + " has an entry without a key: write KEY=VALUE");
                } else {
                    entries.computeIfAbsent(mapOption, o -> new LinkedHashMap<>())
                            .put(entryKey, e.getValue());
                }
                continue;
            }
            problems.add("unknown option " + problems.naming.apply(key) + suggestion(key, problems.naming));
        }
        entries.forEach(settings::set);
        return settings.build();
    }

    private static <T> void readValue(Option<T> option, String text, Settings.Builder settings, Problems problems) {
        try {
            settings.set(option, option.type().parse(text == null ? "" : text));
        } catch (IllegalArgumentException e) {
            problems.add(problems.name(option) + " is '" + text + "', " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private Option<Map<String, String>> mapOptionOf(String key) {
        for (Map.Entry<String, Option<?>> e : byPrefix.entrySet()) {
            if (key.startsWith(e.getKey())) {
                return (Option<Map<String, String>>) e.getValue();
            }
        }
        return null;
    }

    /**
     * Every option's value as text, defaults included (options without a value or default are left out), in
     * {@link #parse}'s form: a complete record of a configuration, which later defaults cannot change.
     */
    public Map<String, String> allValues(Settings settings) {
        Settings.Builder complete = Settings.builder();
        for (Option<?> option : byKey.values()) {
            copy(option, settings, complete);
        }
        return complete.build().toStrings();
    }

    private static <T> void copy(Option<T> option, Settings from, Settings.Builder to) {
        T value = from.get(option);
        if (value != null && !(value instanceof Map<?, ?> map && map.isEmpty())) {
            to.set(option, value);
        }
    }

    /** Adds a problem for every value that fails its option's checks, and for every cross-option rule broken. */
    public void validate(Settings settings, Problems problems) {
        for (Option<?> option : byKey.values()) {
            checkValue(option, settings, problems);
        }
        for (CrossCheck check : crossChecks) {
            check.check(settings, problems);
        }
    }

    private static <T> void checkValue(Option<T> option, Settings settings, Problems problems) {
        T value = settings.get(option);
        if (value == null) {
            return;
        }
        String advice = option.advice(value);
        if (advice != null) {
            String shown = option.type().format(value);
            problems.add(problems.name(option) + " is " + (shown.isEmpty() ? "empty" : shown) + ": " + advice);
        }
    }

    /** Every problem of {@code settings}, options named by {@code naming}; empty when they are valid. */
    public List<String> problems(Settings settings, Naming naming) {
        Problems problems = newProblems(naming);
        validate(settings, problems);
        return problems.list();
    }

    /**
     * Returns {@code settings} when valid.
     *
     * @throws InvalidConfigException listing every problem
     */
    public Settings check(Settings settings) {
        throwIfAny(problems(settings, Naming.KEYS));
        return settings;
    }

    private void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(title, problems);
        }
    }

    private String suggestion(String key, Naming naming) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : byKey.keySet()) {
            int d = distance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 4)
                ? ": did you mean " + naming.apply(best) + "?"
                : ": see the list of options (--help)";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * The table as Markdown, a table per section under a bold heading, options named by {@code naming}: what the
     * README shows, and what a test compares it with.
     */
    public String markdown(Naming naming) {
        StringBuilder md = new StringBuilder();
        for (Section section : sections) {
            if (md.length() > 0) {
                md.append('\n');
            }
            md.append("**").append(section.heading()).append("**\n\n");
            md.append("| option | default | meaning |\n|---|---|---|\n");
            for (Option<?> option : section.options()) {
                String name = naming.apply(option.key()) + " "
                        + (option.prefix() != null ? option.type().label() : label(option));
                md.append("| `")
                        .append(name.trim())
                        .append("` | ")
                        .append("none".equals(option.defaultText()) ? "none" : "`" + option.defaultText() + "`")
                        .append(" | ")
                        .append(option.description().replace("|", "\\|").replace("\n", " "))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String label(Option<?> option) {
        return option.type() == OptionType.BOOLEAN ? "" : option.type().label();
    }

    /** Collects sections and cross-option rules. */
    public static final class Builder {
        private final String title;
        private final List<Section> sections = new ArrayList<>();
        private final List<CrossCheck> crossChecks = new ArrayList<>();

        private Builder(String title) {
            this.title = title;
        }

        public Builder section(String heading, Option<?>... options) {
            sections.add(new Section(heading, List.of(options)));
            return this;
        }

        /** Every section and rule of {@code other}, after those added so far. */
        public Builder include(OptionTable other) {
            sections.addAll(other.sections);
            crossChecks.addAll(other.crossChecks);
            return this;
        }

        /** The rules of {@code other} over its options, whose sections are laid out here by hand. */
        public Builder crossChecksOf(OptionTable other) {
            crossChecks.addAll(other.crossChecks);
            return this;
        }

        public Builder crossCheck(CrossCheck check) {
            crossChecks.add(check);
            return this;
        }

        public OptionTable build() {
            return new OptionTable(title, sections, crossChecks);
        }
    }
}
