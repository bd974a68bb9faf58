package io.streamrec.model.encode.nn;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;

/** A {@link UserEncoder} that is its own DJL block, so the trainer and the replicas use it directly. */
public abstract class EncoderBlock extends AbstractBlock implements UserEncoder {

    private final String name;
    private final EncoderDimensions dimensions;
    private final int interestCount;

    protected EncoderBlock(String name, EncoderDimensions dimensions, int interestCount) {
        this.name = name;
        this.dimensions = dimensions;
        this.interestCount = interestCount;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final EncoderDimensions dimensions() {
        return dimensions;
    }

    @Override
    public final int interestCount() {
        return interestCount;
    }

    @Override
    public final Block block() {
        return this;
    }
}
