package io.streamrec.launcher.cli;

import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.OptionType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * An {@link OptionTable} on a picocli command: each option becomes {@code --<key>} with the table's description and
 * default in its help, grouped under the table's section headings. Booleans are negatable ({@code --[no-]vectors}),
 * map options repeat ({@code --kafka-property KEY=VALUE}). Values are kept as the text given, so that the table
 * reads and checks them all together and reports every problem at once ({@link #given}).
 */
final class TableOptions {

    private TableOptions() {}

    /**
     * Adds the options of {@code table} to {@code command}, under its section headings.
     *
     * @param aliases further names of some options, by key (an older spelling)
     */
    static void addTo(CommandSpec command, OptionTable table, Map<String, String> aliases) {
        for (OptionTable.Section section : table.sections()) {
            ArgGroupSpec.Builder group = ArgGroupSpec.builder()
                    .heading(section.heading() + ":%n")
                    .exclusive(false)
                    .validate(false);
            for (Option<?> option : section.options()) {
                group.addArg(optionSpec(option, aliases.get(option.key())));
            }
            command.addArgGroup(group.build());
        }
    }

    private static OptionSpec optionSpec(Option<?> option, String alias) {
        String[] names = alias == null ? new String[] {"--" + option.key()} : new String[] {"--" + option.key(), alias};
        String description = option.description() + " Default: " + option.defaultText() + ".";
        if (option.type() == OptionType.BOOLEAN) {
            return OptionSpec.builder(names)
                    .type(boolean.class)
                    .arity("0")
                    .negatable(true)
                    .description(description)
                    .build();
        }
        if (option.prefix() != null) {
            return OptionSpec.builder(names)
                    .type(List.class)
                    .auxiliaryTypes(String.class)
                    .arity("1")
                    .paramLabel(option.type().label())
                    .description(description)
                    .build();
        }
        return OptionSpec.builder(names)
                .type(String.class)
                .arity("1")
                .paramLabel(option.type().label())
                .description(description)
                .build();
    }

    /**
     * The values given for the options of {@code table} on the parsed command line, as text keyed by option key (map
     * entries under the option's prefix): what {@link OptionTable#parse} reads.
     *
     * @throws IllegalArgumentException for a map entry without {@code =}
     */
    static Map<String, String> given(ParseResult parsed, OptionTable table) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Option<?> option : table.options()) {
            OptionSpec matched = parsed.matchedOption("--" + option.key());
            if (matched == null) {
                continue;
            }
            if (option.type() == OptionType.BOOLEAN) {
                values.put(option.key(), String.valueOf((Boolean) matched.getValue()));
            } else if (option.prefix() != null) {
                for (String entry : matched.stringValues()) {
                    int eq = entry.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException(
                                "--" + option.key() + " takes KEY=VALUE, got '" + entry + "'");
                    }
                    values.put(
                            option.prefix() + entry.substring(0, eq).trim(),
                            entry.substring(eq + 1).trim());
                }
            } else {
                values.put(
                        option.key(),
                        matched.stringValues().get(matched.stringValues().size() - 1));
            }
        }
        return values;
    }
}
