package io.streamrec.flink.records;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Type information of the records between operators, each with its explicit serializer. */
public final class Records {

    private Records() {}

    public static TypeInformation<FeatureSnapshot> featureSnapshots() {
        return new RecordTypeInfo<>(FeatureSnapshot.class, new FeatureSnapshotSerializer());
    }

    public static TypeInformation<TrainingExample> trainingExamples() {
        return new RecordTypeInfo<>(TrainingExample.class, new TrainingExampleSerializer());
    }
}
