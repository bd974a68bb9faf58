package io.streamrec.schemas.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * The one Jackson factory behind streamrec's natural JSON (thread-safe, shared). It reads
 * {@code NaN} and {@code Infinity} as numbers so that such a weight is refused with its precise
 * reason rather than as broken JSON, and it caps nesting well below Jackson's default, since no
 * accepted record nests deeper than two levels.
 */
final class NaturalJson {

    /** Deepest nesting read; anything deeper can only belong to an unknown field, skipped and refused. */
    static final int MAX_NESTING_DEPTH = 64;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .build();

    private NaturalJson() {}
}
