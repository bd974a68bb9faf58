package io.streamrec.launcher.metrics;

import java.io.IOException;
import java.io.Writer;

/** Something that writes its metrics in the Prometheus text format (0.0.4) for {@link PrometheusEndpoint}. */
@FunctionalInterface
public interface MetricsSource {

    void writeTo(Writer out) throws IOException;
}
