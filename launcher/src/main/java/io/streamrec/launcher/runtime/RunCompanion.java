package io.streamrec.launcher.runtime;

import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.launcher.metrics.MetricsSource;
import io.streamrec.model.data.EventDataset;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Something a run starts beside its job once the job is running, on the run's Kafka, and stops before the job: the
 * launcher adds the serving API this way (flink-jobs itself knows nothing of it).
 */
@FunctionalInterface
public interface RunCompanion {

    /**
     * Starts the companion.
     *
     * @param config  the job's configuration, pointing at the run's Kafka
     * @param dataset the dataset the run replays, if any
     * @param out     where the run prints its progress
     * @param metrics where it adds its Prometheus metrics, served beside the job's on {@code --prometheus-port}
     *                (ignored when the run serves none)
     * @return what stops it
     */
    AutoCloseable start(
            StreamrecJobConfig config, Optional<EventDataset> dataset, PrintWriter out, Consumer<MetricsSource> metrics)
            throws Exception;
}
