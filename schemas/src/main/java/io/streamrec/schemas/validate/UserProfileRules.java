package io.streamrec.schemas.validate;

import io.streamrec.schemas.UserProfile;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules of a {@link UserProfile}: a usable user id, a bounded number of named features whose
 * names and values follow the id rules (stripped, bounded, no control characters; a blank value is
 * refused, since "absent" is said by leaving the feature out), and a plausible {@code updatedAt}.
 */
public final class UserProfileRules implements RecordRules<UserProfile> {

    private final FieldRules fields;

    public UserProfileRules(ValidationLimits limits, Clock clock) {
        this.fields = new FieldRules(limits, clock);
    }

    @Override
    public void check(UserProfile p, Violations out) {
        p.setUserId(fields.requiredId(p.getUserId(), "userId", out));
        if (p.getFeatures() != null) {
            p.setFeatures(features(p.getFeatures(), out));
        }
        if (!out.concerns("updatedAt")) {
            fields.eventTime(p.getUpdatedAt(), "updatedAt", out);
        }
    }

    @Override
    public String userIdOf(UserProfile record) {
        return record.getUserId();
    }

    private Map<String, String> features(Map<String, String> raw, Violations out) {
        int max = fields.limits().maxProfileFeatures();
        if (raw.size() > max) {
            out.add(ViolationCode.TOO_MANY_FEATURES, "features", raw.size() + " > " + max);
            return null;
        }
        Map<String, String> clean = new LinkedHashMap<>(raw.size() * 2);
        for (Map.Entry<String, String> feature : raw.entrySet()) {
            String name = fields.requiredId(feature.getKey(), "features", out);
            if (name == null) {
                continue;
            }
            String field = "features." + name;
            if (out.concerns(field)) {
                continue; // the reader already refused this value
            }
            String value = fields.requiredId(feature.getValue(), field, out);
            if (value != null) {
                clean.put(name, value);
            }
        }
        return clean;
    }
}
