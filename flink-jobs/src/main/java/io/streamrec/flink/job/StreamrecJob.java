package io.streamrec.flink.job;

import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.history.HistoryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;

/**
 * The job's entry point on a Flink cluster: {@code flink run streamrec-job.jar [options]}, application mode
 * ({@code standalone-job --job-classname}, the Flink Kubernetes Operator's {@code entryClass}) or a jar submitted over
 * REST. Options are those of {@code streamrec run} ({@code --bootstrap-servers kafka:9092 --parallelism 8 ...}); a
 * Flink configuration entry {@code streamrec.<option>} sets one too, and an argument wins over it. What no option
 * sets is the cluster's: checkpoint storage, state backend memory and, unless {@code --parallelism} is given,
 * parallelism. An invalid configuration fails here, before the job graph exists, with every problem listed.
 */
public final class StreamrecJob {

    static final String FLINK_CONFIG_PREFIX = "streamrec.";
    private static final Set<String> FLAGS = Set.of(
            "read-profiles", "publish-user-features", "vectors", "incremental-checkpoints", "rocksdb-bloom-filter");

    private StreamrecJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Map<String, String> options = options(args, env.getConfiguration());
        StreamrecJobConfig cfg = config(options);
        StreamrecPipeline.build(env, cfg, jobConfiguration(cfg, options));
        env.execute(options.getOrDefault("job-name", "streamrec"));
    }

    /**
     * The job's configuration from its arguments and the Flink configuration's {@code streamrec.*} entries, as
     * {@link #main} reads them; every problem is listed in one {@link IllegalArgumentException}.
     */
    public static StreamrecJobConfig configuration(String[] args, ReadableConfig flinkConfig) {
        return config(options(args, flinkConfig));
    }

    /** The options: {@code streamrec.*} entries of the Flink configuration, then the arguments over them. */
    static Map<String, String> options(String[] args, ReadableConfig flinkConfig) {
        Map<String, String> options = new LinkedHashMap<>();
        if (flinkConfig instanceof Configuration conf) {
            conf.toMap().forEach((k, v) -> {
                if (k.startsWith(FLINK_CONFIG_PREFIX)) {
                    options.put(k.substring(FLINK_CONFIG_PREFIX.length()), v);
                }
            });
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                problems.add("'" + arg + "' is not an option: options are --name value or --flag");
                continue;
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                options.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (FLAGS.contains(name)) {
                options.put(name, "true");
            } else if (name.startsWith("no-") && FLAGS.contains(name.substring(3))) {
                options.put(name.substring(3), "false");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                problems.add("--" + name + " needs a value");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problemList(problems));
        }
        return options;
    }

    /** The job's configuration from the options; every problem is reported at once. */
    static StreamrecJobConfig config(Map<String, String> options) {
        StreamrecJobConfig.Builder b = StreamrecJobConfig.builder();
        HistoryPolicy.Builder history = HistoryPolicy.builder();
        List<String> problems = new ArrayList<>();
        Map<String, Consumer<String>> setters = new LinkedHashMap<>();
        setters.put("bootstrap-servers", b::bootstrapServers);
        setters.put("consumer-group", b::consumerGroup);
        setters.put("transactional-id-prefix", b::transactionalIdPrefix);
        setters.put("model", b::model);
        setters.put("parallelism", v -> b.parallelism(Integer.parseInt(v)));
        setters.put("checkpoint-interval", v -> b.checkpointInterval(duration(v)));
        setters.put("checkpoint-dir", v -> b.checkpointDir(Path.of(v)));
        setters.put("max-out-of-orderness", v -> b.maxOutOfOrderness(duration(v)));
        setters.put("source-idleness", v -> b.sourceIdleness(duration(v)));
        setters.put("delivery-guarantee", v -> b.deliveryGuarantee(deliveryGuarantee(v)));
        setters.put("read-profiles", v -> b.readProfiles(bool(v)));
        setters.put("publish-user-features", v -> b.publishUserFeatures(bool(v)));
        setters.put("vectors", v -> b.encodeUserVectors(bool(v)));
        setters.put("incremental-checkpoints", v -> b.incrementalCheckpoints(bool(v)));
        setters.put("max-session-items", v -> history.maxSessionItems(Integer.parseInt(v)));
        setters.put("max-long-term-per-feature", v -> history.maxLongTermPerFeature(Integer.parseInt(v)));
        Duration[] deltaInterval = {null};
        setters.put("delta-interval", v -> deltaInterval[0] = duration(v));
        setters.put("job-name", v -> {});
        options.forEach((name, value) -> {
            Consumer<String> setter = setters.get(name);
            if (setter == null) {
                problems.add("--" + name + " is not an option of the streamrec job");
                return;
            }
            try {
                setter.accept(value);
            } catch (RuntimeException e) {
                problems.add("--" + name + " " + value + ": " + e.getMessage());
            }
        });
        String model = options.getOrDefault("model", StreamrecJobConfig.DEFAULT_MODEL);
        if (deltaInterval[0] != null && Encoders.names().contains(model)) { // an unknown model is reported below
            try {
                b.trainer(TrainerOperatorConfig.builder()
                        .encoder(model)
                        .deltaInterval(deltaInterval[0])
                        .build());
            } catch (RuntimeException e) {
                problems.add("--delta-interval " + options.get("delta-interval") + ": " + e.getMessage());
            }
        }
        try {
            b.historyPolicy(history.build());
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
        }
        // the configuration's own checks run even when an option could not be read, so every problem shows at once
        StreamrecJobConfig cfg = null;
        try {
            cfg = b.build();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problemList(problems));
        }
        return cfg;
    }

    /**
     * The Flink settings this job sets: the job's own (state backend, RocksDB tuning, watermarks, checkpoint
     * interval) and, only where an option gave them, checkpoint storage and parallelism. Task managers' memory is
     * never the job's.
     */
    static Configuration jobConfiguration(StreamrecJobConfig cfg, Map<String, String> options) {
        Configuration conf = cfg.flinkConfiguration();
        conf.removeConfig(TaskManagerOptions.MANAGED_MEMORY_SIZE);
        if (!options.containsKey("checkpoint-dir")) {
            conf.removeConfig(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
            conf.removeConfig(CheckpointingOptions.CHECKPOINT_STORAGE);
        }
        if (!options.containsKey("parallelism")) {
            conf.removeConfig(CoreOptions.DEFAULT_PARALLELISM);
        }
        return conf;
    }

    private static Duration duration(String value) {
        return TimeUtils.parseDuration(value);
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static DeliveryGuarantee deliveryGuarantee(String value) {
        for (DeliveryGuarantee g : DeliveryGuarantee.values()) {
            if (g.toString().equalsIgnoreCase(value) || g.name().equalsIgnoreCase(value.replace('-', '_'))) {
                return g;
            }
        }
        throw new IllegalArgumentException("not a delivery guarantee: use at-least-once, exactly-once or none");
    }

    private static String problemList(List<String> problems) {
        return "Invalid streamrec job configuration (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems);
    }
}
