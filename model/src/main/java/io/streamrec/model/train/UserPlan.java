package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.streamrec.model.embed.BatchLookup;
import io.streamrec.model.embed.InputEmbedding;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The planned encoder input of a batch of users split into buckets of similar session length. For an encoder with a
 * long-term branch ({@link io.streamrec.model.encode.LongTermBranch}), that branch runs once per distinct long-term
 * history and profile in the whole batch, not once per bucket and user: a time-ordered batch holds a few users'
 * bursts, whose examples share one long-term history until a session closes. Its outputs are then gathered, row per
 * user, into each bucket's session branch; the gather is differentiable, so the branch's gradient sums over the rows
 * that share it, as it would had each row computed it. The result equals encoding each bucket whole.
 */
final class UserPlan {

    private final List<InputEmbedding.UserBatch> whole;
    private final InputEmbedding.LongTermBatch longTerm;
    private final List<InputEmbedding.SessionBatch> sessions;
    private final List<long[]> longTermRows;
    private final int distinct;

    private UserPlan(
            List<InputEmbedding.UserBatch> whole,
            InputEmbedding.LongTermBatch longTerm,
            List<InputEmbedding.SessionBatch> sessions,
            List<long[]> longTermRows,
            int distinct) {
        this.whole = whole;
        this.longTerm = longTerm;
        this.sessions = sessions;
        this.longTermRows = longTermRows;
        this.distinct = distinct;
    }

    /** Every bucket encoded whole (an encoder without a long-term branch). */
    static UserPlan whole(InputEmbedding input, List<List<FeatureSnapshot>> buckets, BatchLookup lookup) {
        List<InputEmbedding.UserBatch> parts = new ArrayList<>(buckets.size());
        for (List<FeatureSnapshot> bucket : buckets) {
            parts.add(input.planUsers(bucket, lookup));
        }
        return new UserPlan(parts, null, null, null, 0);
    }

    /** The long-term branch once per distinct long-term history and profile, the session branch per bucket. */
    static UserPlan split(InputEmbedding input, List<List<FeatureSnapshot>> buckets, BatchLookup lookup) {
        List<FeatureSnapshot> distinctUsers = new ArrayList<>();
        Map<Long, Integer> byFingerprint = new HashMap<>();
        List<long[]> rows = new ArrayList<>(buckets.size());
        List<InputEmbedding.SessionBatch> sessions = new ArrayList<>(buckets.size());
        for (List<FeatureSnapshot> bucket : buckets) {
            long[] bucketRows = new long[bucket.size()];
            for (int k = 0; k < bucket.size(); k++) {
                FeatureSnapshot s = bucket.get(k);
                long fingerprint = LongTermCache.fingerprint(s);
                Integer known = byFingerprint.get(fingerprint);
                if (known == null || !sameLongTerm(distinctUsers.get(known), s)) {
                    known = distinctUsers.size();
                    distinctUsers.add(s);
                    byFingerprint.putIfAbsent(fingerprint, known);
                }
                bucketRows[k] = known;
            }
            rows.add(bucketRows);
            sessions.add(input.planSessions(bucket, lookup));
        }
        return new UserPlan(null, input.planLongTerm(distinctUsers, lookup), sessions, rows, distinctUsers.size());
    }

    private static boolean sameLongTerm(FeatureSnapshot a, FeatureSnapshot b) {
        return Objects.equals(a.getLongTerm(), b.getLongTerm()) && Objects.equals(a.getProfile(), b.getProfile());
    }

    /** Distinct long-term histories the branch runs on (0 when encoded whole). */
    int distinctLongTerms() {
        return distinct;
    }

    /** Each bucket's encoder output, in bucket order; call after the lookup gathered its rows into {@code manager}. */
    List<NDList> forward(RetrievalModel model, NDManager manager, boolean training) {
        List<NDList> outputs = new ArrayList<>();
        if (whole != null) {
            for (InputEmbedding.UserBatch part : whole) {
                outputs.add(model.forwardUsers(part, manager, training));
            }
            return outputs;
        }
        NDList branch = model.forwardLongTerm(longTerm, manager, training);
        for (int b = 0; b < sessions.size(); b++) {
            long[] bucketRows = longTermRows.get(b);
            NDArray index = manager.create(bucketRows, new Shape(bucketRows.length));
            NDList gathered = new NDList(branch.size());
            for (NDArray array : branch) {
                // the engine's embedding lookup: a row gather whose backward sums the rows' gradients
                gathered.add(index.getNDArrayInternal()
                        .embedding(index, array, SparseFormat.DENSE)
                        .singletonOrThrow());
            }
            outputs.add(model.forwardSession(sessions.get(b), gathered, manager, training));
        }
        return outputs;
    }
}
