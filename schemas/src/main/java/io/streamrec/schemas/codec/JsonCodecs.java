package io.streamrec.schemas.codec;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.UserVector;
import java.util.Set;

/**
 * The natural JSON codecs of streamrec's records: both ways for what producers send, write-only for
 * what streamrec emits to debug topics and logs for people to read.
 */
public final class JsonCodecs {

    public static final JsonCodec<UserEvent> USER_EVENT = new JsonCodec<>(UserEvent.getClassSchema(), UserEvent::new);

    public static final JsonCodec<UserProfile> USER_PROFILE =
            new JsonCodec<>(UserProfile.getClassSchema(), UserProfile::new);

    /** Payload as base64 in {@code payload}, and as text in {@code payloadText} when it is UTF-8. */
    public static final NaturalJsonWriter<DeadLetter> DEAD_LETTER =
            new NaturalJsonWriter<>(DeadLetter.getClassSchema(), Set.of("payload"));

    public static final NaturalJsonWriter<UserVector> USER_VECTOR =
            new NaturalJsonWriter<>(UserVector.getClassSchema());

    public static final NaturalJsonWriter<FeatureSnapshot> FEATURE_SNAPSHOT =
            new NaturalJsonWriter<>(FeatureSnapshot.getClassSchema());

    public static final NaturalJsonWriter<TrainingExample> TRAINING_EXAMPLE =
            new NaturalJsonWriter<>(TrainingExample.getClassSchema());

    private JsonCodecs() {}
}
