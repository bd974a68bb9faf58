package io.streamrec.serving.model;

import io.streamrec.model.sync.RefusedUpdateException;
import io.streamrec.model.sync.ReplicaSync;
import io.streamrec.model.sync.UpdateDecoder;
import io.streamrec.model.sync.UpdateRefusal;
import io.streamrec.model.sync.UpdateRefusalLog;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.serving.ServingMetrics;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does with each {@code model-updates} record, without Kafka: decodes it, ignores other models on the
 * topic, hands the chunk to the model-sync rules every consumer shares ({@link ReplicaSync}), and swaps in an
 * assembled FULL between two records. Bad input (corrupt bytes, a truncated version, a foreign model, a version going
 * backwards, non-finite weights) changes nothing: the service keeps answering with the last good model, the refusal is
 * counted by reason ({@code streamrec_serving_model_updates_refused_total{reason}}) and logged, and the next good FULL
 * is taken. Called from one thread.
 */
public final class ModelUpdateIntake {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateIntake.class);

    private final String modelName;
    private final ReplicaSync<ServingModel> sync;
    private final ServingMetrics metrics;
    private final UpdateRefusalLog refusals;
    private final Set<String> otherModels = new HashSet<>();

    public ModelUpdateIntake(String modelName, ReplicaSync<ServingModel> sync, ServingMetrics metrics) {
        this.modelName = modelName;
        this.sync = sync;
        this.metrics = metrics;
        this.refusals = new UpdateRefusalLog(LOG, "the service (model '" + modelName + "')");
    }

    /** Takes one record's value; {@code where} names it in refusals ({@code topic-partition@offset}). */
    public void take(byte[] value, String where) {
        ModelUpdate chunk;
        try {
            chunk = UpdateDecoder.decode(value, where);
        } catch (RefusedUpdateException e) {
            refused(e.refusal());
            return;
        }
        take(chunk);
    }

    /** Takes one decoded chunk. */
    public void take(ModelUpdate chunk) {
        if (!modelName.equals(chunk.getModelName())) {
            metrics.otherModelUpdate();
            if (otherModels.size() < 16 && otherModels.add(chunk.getModelName())) {
                LOG.info(
                        "model-updates also carries model '{}'; this service serves '{}' and ignores it",
                        chunk.getModelName(),
                        modelName);
            }
            return;
        }
        sync.offer(chunk).forEach(this::refused);
        swapIfAssembled();
        metrics.modelVersion(sync.version());
    }

    /** Swaps in a FULL that finished building, if any: between two records, or while none arrive. */
    public void swapIfAssembled() {
        ReplicaSync.Swap swap;
        try {
            swap = sync.swapIfAssembled();
        } catch (RefusedUpdateException e) {
            refused(e.refusal());
            return;
        }
        if (swap != null) {
            metrics.modelVersion(sync.version());
            LOG.info(
                    "serving model '{}' FULL version {} (was {}; built in {} ms), now at {}",
                    modelName,
                    swap.version(),
                    swap.previousVersion(),
                    swap.assemblyMillis(),
                    sync.version());
            swap.refusals().forEach(this::refused);
        }
    }

    private void refused(UpdateRefusal refusal) {
        metrics.updateRefused(refusal.reason());
        refusals.refused(refusal, sync.version());
    }
}
