package io.streamrec.schemas.ingest;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.validate.RecordRules;
import io.streamrec.schemas.validate.ValidationLimits;
import io.streamrec.schemas.validate.Violation;
import io.streamrec.schemas.validate.Violations;
import org.junit.jupiter.api.Test;

class ValidatingDecoderTest {

    /** Rules with a bug, standing in for any defect of ours that the fuzz test has not found. */
    private static final RecordRules<UserEvent> BROKEN_RULES = new RecordRules<>() {
        @Override
        public void check(UserEvent record, Violations out) {
            throw new IllegalStateException("bug in a rule");
        }

        @Override
        public String userIdOf(UserEvent record) {
            return record.getUserId();
        }
    };

    @Test
    void turnsItsOwnBugsIntoAnInternalErrorInsteadOfThrowing() {
        ValidatingDecoder<UserEvent> decoder = new ValidatingDecoder<>(
                WireFormat.JSON,
                ValidationLimits.defaults(),
                JsonCodecs.USER_EVENT,
                AvroBinaryCodec.of(UserEvent.class),
                BROKEN_RULES);

        DecodeResult<UserEvent> result = decoder.decode(null, utf8("{\"userId\":\"u1\"}"));

        assertThat(result.violations())
                .extracting(Violation::toString)
                .containsExactly("internal-error: java.lang.IllegalStateException: bug in a rule");
    }
}
