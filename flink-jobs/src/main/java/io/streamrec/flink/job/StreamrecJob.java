package io.streamrec.flink.job;

import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.OptionType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job as a Flink cluster runs it ({@code flink run streamrec-job.jar}, application mode ({@code standalone-job
 * --job-classname}, the Flink Kubernetes Operator's {@code entryClass}) or a jar submitted over REST): its options come from
 * the Flink configuration's {@code streamrec.*} keys, the way Flink users configure a job ({@code -Dstreamrec.
 * checkpoint-interval=5s} on {@code flink run}, or a {@code streamrec:} block in the cluster's {@code config.yaml}),
 * and from the program arguments in {@code streamrec run}'s form ({@code --parallelism 4}), which win.
 */
public final class StreamrecJob {

    private StreamrecJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamrecJobConfig cfg = configuration(args, env.getConfiguration());
        StreamrecPipeline.build(env, cfg, clusterConfiguration(cfg));
        env.execute("streamrec");
    }

    /**
     * The Flink settings the job brings to a cluster: its own (state backend, RocksDB tuning, watermarks, restarts,
     * checkpoint interval), and checkpoint storage and parallelism only where an option gave them, so that a
     * deployment's {@code parallelism} and checkpoint directory are not overridden by the defaults of a local run.
     * Task managers' memory is never the job's.
     */
    static Configuration clusterConfiguration(StreamrecJobConfig cfg) {
        Configuration conf = cfg.flinkConfiguration();
        conf.removeConfig(TaskManagerOptions.MANAGED_MEMORY_SIZE);
        if (!cfg.settings().isSet(JobOptions.CHECKPOINT_DIR)) {
            conf.removeConfig(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
            conf.removeConfig(CheckpointingOptions.CHECKPOINT_STORAGE);
        }
        if (!cfg.settings().isSet(JobOptions.PARALLELISM)) {
            conf.removeConfig(CoreOptions.DEFAULT_PARALLELISM);
        }
        return conf;
    }

    /**
     * The job's configuration from a Flink configuration and program arguments ({@code --key value},
     * {@code --key=value}, {@code --flag} or {@code --no-flag} for booleans, {@code --kafka-property KEY=VALUE} for
     * map options), the arguments overriding the configuration.
     *
     * @throws io.streamrec.config.InvalidConfigException listing every problem of both
     */
    public static StreamrecJobConfig configuration(String[] args, ReadableConfig flink) {
        Map<String, String> values = new LinkedHashMap<>();
        flink.toMap().forEach((key, value) -> {
            if (key.startsWith(JobOptions.FLINK_PREFIX)) {
                values.put(key.substring(JobOptions.FLINK_PREFIX.length()), value);
            }
        });
        values.putAll(arguments(args));
        return StreamrecJobConfig.fromStrings(values, OptionTable.Naming.prefixed(JobOptions.FLINK_PREFIX));
    }

    private static Map<String, String> arguments(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': give options as --key value");
            }
            String key = arg.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            Option<?> option = JobOptions.TABLE.find(key).orElse(null);
            if (option == null && key.startsWith("no-")) {
                Option<?> negated = JobOptions.TABLE.find(key.substring(3)).orElse(null);
                if (negated != null && negated.type() == OptionType.BOOLEAN && value == null) {
                    values.put(negated.key(), "false");
                    continue;
                }
            }
            if (option != null && option.type() == OptionType.BOOLEAN && value == null) {
                boolean valueFollows = i + 1 < args.length && args[i + 1].matches("(?i)true|false");
                values.put(key, valueFollows ? args[++i] : "true");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + key + " needs a value");
                }
                value = args[++i];
            }
            if (option != null && option.prefix() != null) {
                int entry = value.indexOf('=');
                if (entry < 1) {
                    throw new IllegalArgumentException("--" + key + " takes KEY=VALUE, got '" + value + "'");
                }
                values.put(option.prefix() + value.substring(0, entry), value.substring(entry + 1));
            } else {
                values.put(key, value); // an unknown key is reported with every other problem
            }
        }
        return values;
    }
}
