package io.streamrec.flink.ingest;

import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.ProfileDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The optional compacted {@code user-profiles} topic: the latest profile per user. */
public final class ProfileDeserializationSchema extends DecodingDeserializationSchema<UserProfile, UserProfile> {

    private static final long serialVersionUID = 1L;

    private transient ProfileDecoder decoder;

    public ProfileDeserializationSchema(WireFormat format, ValidationLimits limits) {
        super(format, limits);
    }

    @Override
    protected void openDecoder(Clock clock) {
        decoder = new ProfileDecoder(format, limits, clock);
    }

    @Override
    protected DecodeResult<UserProfile> decode(byte[] key, byte[] value) {
        return decoder.decode(key, value);
    }

    @Override
    protected UserProfile accepted(UserProfile profile, ConsumerRecord<byte[], byte[]> record) {
        return profile;
    }

    @Override
    protected TypeInformation<UserProfile> acceptedType() {
        return new AvroTypeInfo<>(UserProfile.class);
    }
}
