package io.streamrec.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionTableTest {

    enum Guarantee {
        AT_LEAST_ONCE,
        EXACTLY_ONCE
    }

    static final Option<Duration> INTERVAL = Option.key("checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How often to checkpoint.")
            .withCheck(Check.atLeast(Duration.ofMillis(100)));
    static final Option<Integer> PARALLELISM = Option.key("parallelism")
            .intType()
            .defaultValue(2)
            .withDescription("Subtasks per operator.")
            .withCheck(Check.atLeast(1));
    static final Option<Integer> MAX_PARALLELISM =
            Option.key("max-parallelism").intType().defaultValue(128).withDescription("Key groups.");
    static final Option<Guarantee> GUARANTEE = Option.key("delivery-guarantee")
            .enumType(Guarantee.class)
            .defaultValue(Guarantee.AT_LEAST_ONCE)
            .withDescription("Of the sinks.");
    static final Option<String> PREFIX = Option.key("transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDefaultText("the consumer group")
            .withDescription("Exactly-once only.");
    static final Option<Boolean> VECTORS =
            Option.key("vectors").booleanType().defaultValue(true).withDescription("Publish user vectors.");
    static final Option<Map<String, String>> KAFKA =
            Option.key("kafka-property").mapType("kafka.").withDescription("Extra Kafka client properties.");
    static final Option<List<Integer>> DIMS = Option.key("feature-dims")
            .type(OptionType.INT_LIST)
            .defaultValue(List.of(32, 16))
            .withDescription("Widths.");

    static final OptionTable TABLE = OptionTable.builder("test options")
            .section("Flink", INTERVAL, PARALLELISM, MAX_PARALLELISM)
            .section("Kafka", GUARANTEE, PREFIX, VECTORS, KAFKA, DIMS)
            .crossCheck((settings, problems) -> {
                if (settings.get(PARALLELISM) > settings.get(MAX_PARALLELISM)) {
                    problems.add(problems.name(PARALLELISM) + " exceeds " + problems.name(MAX_PARALLELISM));
                }
            })
            .build();

    @Test
    void unsetOptionsReadAsTheirDefaults() {
        Settings settings = TABLE.parse(Map.of());

        assertThat(settings.get(INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.get(GUARANTEE)).isEqualTo(Guarantee.AT_LEAST_ONCE);
        assertThat(settings.getOptional(PREFIX)).isEmpty();
        assertThat(settings.get(KAFKA)).isEmpty();
        assertThat(settings.isSet(INTERVAL)).isFalse();
    }

    @Test
    void valuesAreReadFromTextOfEveryType() {
        Settings settings = TABLE.parse(Map.of(
                "checkpoint-interval", "5 min",
                "delivery-guarantee", "exactly-once",
                "transactional-id-prefix", "job-7",
                "vectors", "false",
                "kafka.security.protocol", "SSL",
                "kafka.sasl.mechanism", "PLAIN",
                "feature-dims", "8, 4"));

        assertThat(settings.get(INTERVAL)).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.get(GUARANTEE)).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(settings.get(PREFIX)).isEqualTo("job-7");
        assertThat(settings.get(VECTORS)).isFalse();
        assertThat(settings.get(KAFKA))
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SSL", "sasl.mechanism", "PLAIN"));
        assertThat(settings.get(DIMS)).containsExactly(8, 4);
        assertThat(TABLE.parse(settings.toStrings())).as("toStrings reads back").isEqualTo(settings);
    }

    @Test
    void everyProblemIsListedAtOnceWithWhatToChange() {
        assertThatThrownBy(() -> TABLE.parse(
                        Map.of(
                                "checkpoint-interval", "50ms",
                                "parallelism", "0",
                                "delivery-guarantee", "twice",
                                "vectros", "true",
                                "feature-dims", "8,x"),
                        OptionTable.Naming.COMMAND_LINE))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "--checkpoint-interval is 50ms: set it to at least 100ms",
                                        "--parallelism is 0: set it to at least 1",
                                        "--delivery-guarantee is 'twice', not one of at-least-once, exactly-once",
                                        "unknown option --vectros: did you mean --vectors?",
                                        "--feature-dims is '8,x', not comma-separated whole numbers"))
                .hasMessageStartingWith("Invalid test options:");
        // the cross-option rules report with the rest
        assertThatThrownBy(() -> TABLE.parse(
                        Map.of("checkpoint-interval", "50ms", "parallelism", "200"),
                        OptionTable.Naming.prefixed("streamrec.")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "streamrec.checkpoint-interval is 50ms: set it to at least 100ms",
                                        "streamrec.parallelism exceeds streamrec.max-parallelism"));
    }

    @Test
    void settingsSurviveJavaSerializationAsTheyTravelInAJobGraph() throws Exception {
        Settings settings = Settings.builder()
                .set(INTERVAL, Duration.ofSeconds(3))
                .set(KAFKA, Map.of("a", "b"))
                .set(GUARANTEE, Guarantee.EXACTLY_ONCE)
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            Settings copy = (Settings) in.readObject();
            assertThat(copy).isEqualTo(settings);
            assertThat(copy.get(INTERVAL)).isEqualTo(Duration.ofSeconds(3));
            assertThat(copy.toStrings()).isEqualTo(settings.toStrings());
        }
    }

    @Test
    void entriesOfAMapOptionAreNamedAsTheUserWroteThem() {
        OptionTable.Naming entries = OptionTable.Naming.COMMAND_LINE.entriesOf(KAFKA);

        assertThat(entries.apply("acks")).isEqualTo("--kafka-property acks");
        assertThat(OptionTable.Naming.prefixed("streamrec.").entriesOf(KAFKA).apply("acks"))
                .isEqualTo("streamrec.kafka.acks");
    }

    @Test
    void secretsAreHiddenWhenSettingsArePrinted() {
        Settings settings = TABLE.parse(Map.of("kafka.sasl.jaas.config", "user=x password=y", "parallelism", "3"));

        assertThat(settings.toString())
                .contains("kafka.sasl.jaas.config=[hidden]", "parallelism=3")
                .doesNotContain("y");
    }

    @Test
    void theMarkdownTableShowsEveryOptionWithItsDefaultInSections() {
        assertThat(TABLE.markdown(OptionTable.Naming.COMMAND_LINE))
                .startsWith("**Flink**\n\n| option | default | meaning |\n|---|---|---|\n")
                .contains("| `--checkpoint-interval TIME` | `10s` | How often to checkpoint. |\n")
                .contains("| `--transactional-id-prefix TEXT` | `the consumer group` | Exactly-once only. |\n")
                .contains("| `--vectors` | `true` | Publish user vectors. |\n")
                .contains("| `--kafka-property KEY=VALUE` | none | Extra Kafka client properties. |\n")
                .contains("\n**Kafka**\n");
    }

    @Test
    void durationsReadAsPeopleAndFlinkWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2.5")).isEqualTo(Duration.ofMillis(2500));
        assertThat(Durations.parse("10 s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5 min")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofMillis(200))).isEqualTo("200ms");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThatThrownBy(() -> Durations.parse("ten seconds")).hasMessageContaining("500ms, 10s");
    }

    @Test
    void aKeyMustBeLowerCaseWordsJoinedByDashes() {
        assertThatThrownBy(() -> Option.key("batchSize")).hasMessageContaining("lower-case words");
        assertThat(Option.key("sdm.attention-heads").intType().defaultValue(2).key())
                .isEqualTo("sdm.attention-heads");
    }
}
