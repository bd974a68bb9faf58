package io.streamrec.schemas.ingest;

import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.validate.UserProfileRules;
import io.streamrec.schemas.validate.ValidationLimits;
import java.time.Clock;

/**
 * The ingestion contract for the {@code user-profiles} topic, as {@link EventDecoder} is for events.
 * Thread-safe; never throws.
 *
 * <p>A JSON profile: <pre>{@code
 * {"userId":"u42","features":{"gender":"F","age":"25-34","occupation":"12"},"updatedAt":1700000000000}
 * }</pre>
 * Feature names and values are stripped like ids; a blank value is refused (leave the feature out
 * instead).
 */
public final class ProfileDecoder extends ValidatingDecoder<UserProfile> {

    public ProfileDecoder(WireFormat format) {
        this(format, ValidationLimits.defaults(), Clock.systemUTC());
    }

    public ProfileDecoder(WireFormat format, ValidationLimits limits, Clock clock) {
        super(
                format,
                limits,
                JsonCodecs.USER_PROFILE,
                AvroBinaryCodec.of(UserProfile.class),
                new UserProfileRules(limits, clock));
    }
}
