package io.streamrec.model;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import java.util.List;
import java.util.Map;

/**
 * The model of a run, stated once: its name ({@link #MODEL}) and its settings ({@link #SETTINGS}), which are the
 * trainer's ({@link TrainerOptions}) and every encoder's in one namespace, encoder keys starting with the encoder's
 * name ({@code sine.concepts}). The job takes them as {@code --model} and {@code --trainer-setting KEY=VALUE}
 * ({@code streamrec.model}, {@code streamrec.trainer.KEY} in a Flink configuration), offline evaluation as
 * {@code --setting KEY=VALUE}; the trainer and the encoders read both from here, so they cannot disagree.
 */
public final class ModelSettings {

    /** Every trainer and encoder setting: what {@link #SETTINGS} may hold. */
    public static final OptionTable TABLE = table();

    public static final Option<String> MODEL = Option.key("model")
            .stringType()
            .defaultValue("sdm")
            .withDescription("The model the trainer trains and the encoders run: sdm, sine or meanpool.")
            .withCheck(Check.of(ModelSettings::isKnown, "choose one of " + Encoders.names()));

    public static final Option<Map<String, String>> SETTINGS = Option.key("trainer-setting")
            .mapType("trainer.")
            .withDescription("A trainer or encoder setting (batch-size=128, sine.concepts=100, ...; the table below"
                    + " lists them all), checked at start with every other option.");

    /** The job-facing options: the model and its settings, checked together. */
    public static final OptionTable OPTIONS = OptionTable.builder("model options")
            .section("Model", MODEL, SETTINGS)
            .crossCheck((settings, problems) -> {
                OptionTable.Problems entries =
                        TABLE.newProblems(problems.naming().entriesOf(SETTINGS));
                Settings model = TABLE.read(settings.get(SETTINGS), entries);
                checkFor(settings.get(MODEL), model, entries);
                entries.list().forEach(problems::add);
            })
            .build();

    private ModelSettings() {}

    private static OptionTable table() {
        OptionTable.Builder table = OptionTable.builder("trainer settings").include(TrainerOptions.TABLE);
        Encoders.allOptions().forEach(table::include);
        return table.build();
    }

    private static boolean isKnown(String model) {
        return Encoders.names().contains(model);
    }

    /**
     * The values of {@link #SETTINGS} in {@code options}, read and checked.
     *
     * @throws io.streamrec.config.InvalidConfigException listing every unknown key and bad value
     */
    public static Settings of(Settings options) {
        return TABLE.parse(options.get(SETTINGS));
    }

    /** The trainer configuration of {@code options}. */
    public static TrainerConfig trainerConfig(Settings options) {
        return TrainerConfig.builder().setAll(of(options)).build();
    }

    /**
     * Every problem of {@code settings} for a model run with encoder {@code model}: values that fail a check, and
     * settings of another encoder, which this model would silently ignore.
     */
    public static List<String> problems(String model, Settings settings, OptionTable.Naming naming) {
        OptionTable.Problems problems = TABLE.newProblems(naming);
        checkFor(model, settings, problems);
        return problems.list();
    }

    private static void checkFor(String model, Settings settings, OptionTable.Problems problems) {
        TABLE.validate(settings, problems);
        for (Option<?> option : TABLE.options()) {
            int dot = option.key().indexOf('.');
            String encoder = dot < 0 ? null : option.key().substring(0, dot);
            if (encoder != null && settings.isSet(option) && !encoder.equals(model)) {
                problems.add(problems.name(option) + " is a setting of the " + encoder + " encoder, but the model is "
                        + model + ": drop it, or run model " + encoder);
            }
        }
    }
}
