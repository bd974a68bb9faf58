package io.streamrec.model.encode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

/**
 * An encoder whose output splits into a branch that reads only the long-term history L^u and the profile, and a
 * per-event branch over the session. The first changes only when a session closes, a long-term entry expires, the
 * profile changes or the model does, so a caller that encodes every event may keep it per user and run only the
 * second ({@code LongTermCache} in the trainer package). Composing the two must give exactly the block's forward pass.
 */
public interface LongTermBranch {

    /**
     * The long-term branch.
     *
     * @param inputs an {@link EncoderInput} list of which only the long-term entries and {@link EncoderInput#USER} are
     *     read (the session entries may be null)
     * @return the arrays the session branch takes, each shaped (B, width)
     */
    NDList forwardLongTerm(ParameterStore ps, NDList inputs, boolean training);

    /**
     * The session branch: the encoder's {@link EncoderOutput} list from the session and the long-term branch's output.
     *
     * @param session     (B, T, D_item) session embeddings
     * @param sessionMask (B, T)
     * @param longTerm    what {@link #forwardLongTerm} returned for the same users, row for row
     */
    NDList forwardSession(ParameterStore ps, NDArray session, NDArray sessionMask, NDList longTerm, boolean training);
}
