package io.streamrec.model.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.List;

/**
 * Turns feature snapshots into the {@link EncoderInput} list and items into item-tower inputs, both
 * drawn from one {@link BatchLookup} so that a row used on both sides of the loss collects one
 * gradient.
 *
 * <p>e_i = concat(e_i^f, f ∈ F) for each session item; L_f^u is embedded per feature; e_u = concat of
 * the profile embeddings. Sequences keep their most recent {@code max} entries and are right-padded
 * to the batch's longest (at least 1) with mask 0.
 */
public final class InputEmbedding {

    private final Embeddings embeddings;
    private final int maxSessionLength;
    private final int maxLongTermLength;

    public InputEmbedding(Embeddings embeddings, int maxSessionLength, int maxLongTermLength) {
        if (maxSessionLength < 1 || maxLongTermLength < 1) {
            throw new IllegalArgumentException("maximum sequence lengths must be at least 1");
        }
        this.embeddings = embeddings;
        this.maxSessionLength = maxSessionLength;
        this.maxLongTermLength = maxLongTermLength;
    }

    /** Registers every row the snapshots use in {@code lookup}; materialise after {@link BatchLookup#gather}. */
    public UserBatch planUsers(List<FeatureSnapshot> snapshots, BatchLookup lookup) {
        return new UserBatch(new SessionBatch(snapshots, lookup), new LongTermBatch(snapshots, lookup));
    }

    /** Registers only the session rows: S^u, for encoders that take the long-term branch from a cache. */
    public SessionBatch planSessions(List<FeatureSnapshot> snapshots, BatchLookup lookup) {
        return new SessionBatch(snapshots, lookup);
    }

    /** Registers only the long-term and profile rows: L_f^u and e_u, for an encoder's long-term branch. */
    public LongTermBatch planLongTerm(List<FeatureSnapshot> snapshots, BatchLookup lookup) {
        return new LongTermBatch(snapshots, lookup);
    }

    /** Registers the rows of items given by their feature rows ({@link Embeddings#featureRows}). */
    public ItemBatch planItems(List<int[]> itemFeatureRows, BatchLookup lookup) {
        return new ItemBatch(itemFeatureRows, lookup);
    }

    /** The planned encoder input of a batch of users: its session and its long-term part. */
    public final class UserBatch {
        private final SessionBatch sessions;
        private final LongTermBatch longTerm;

        private UserBatch(SessionBatch sessions, LongTermBatch longTerm) {
            this.sessions = sessions;
            this.longTerm = longTerm;
        }

        public int size() {
            return sessions.batch;
        }

        /** The {@link EncoderInput} list, in the manager the lookup gathered into. */
        public NDList materialise(NDManager manager) {
            NDArray[] inputs = new NDArray[EncoderInput.SIZE];
            sessions.materialiseInto(inputs, manager);
            longTerm.materialiseInto(inputs, manager);
            return new NDList(inputs);
        }
    }

    /** The planned S^u of a batch of users: session embeddings and mask, right-padded to the longest session. */
    public final class SessionBatch {
        private final BatchLookup lookup;
        private final int batch;
        private final int sessionLength;
        private final long[][] sessionLocals = new long[Feature.COUNT][];
        private final float[] sessionMask;

        private SessionBatch(List<FeatureSnapshot> snapshots, BatchLookup lookup) {
            this.lookup = lookup;
            this.batch = snapshots.size();
            int longest = 0;
            for (FeatureSnapshot s : snapshots) {
                longest = Math.max(longest, s.getSession().size());
            }
            this.sessionLength = paddedLength(longest, maxSessionLength);
            this.sessionMask = new float[batch * sessionLength];
            for (Feature f : Feature.values()) {
                sessionLocals[f.ordinal()] = new long[batch * sessionLength];
            }
            for (int b = 0; b < batch; b++) {
                List<Behavior> session = recent(snapshots.get(b).getSession(), maxSessionLength);
                for (int t = 0; t < session.size(); t++) {
                    int[] rows = embeddings.featureRows(session.get(t));
                    for (Feature f : Feature.values()) {
                        sessionLocals[f.ordinal()][b * sessionLength + t] =
                                lookup.of(f).local(rows[f.ordinal()]);
                    }
                    sessionMask[b * sessionLength + t] = 1f;
                }
            }
        }

        public int size() {
            return batch;
        }

        /** T: the padded length of this batch's sessions. */
        public int length() {
            return sessionLength;
        }

        /** (B, T, D_item) session embeddings at index 0 and the (B, T) mask at index 1. */
        public NDList materialise(NDManager manager) {
            NDArray[] inputs = new NDArray[EncoderInput.SIZE];
            materialiseInto(inputs, manager);
            return new NDList(inputs[EncoderInput.SESSION], inputs[EncoderInput.SESSION_MASK]);
        }

        private void materialiseInto(NDArray[] inputs, NDManager manager) {
            Shape sessionShape = new Shape(batch, sessionLength);
            NDList sessionParts = new NDList();
            for (Feature f : Feature.values()) {
                sessionParts.add(lookup.of(f).embed(sessionLocals[f.ordinal()], sessionShape));
            }
            inputs[EncoderInput.SESSION] = NDArrays.concat(sessionParts, 2);
            inputs[EncoderInput.SESSION_MASK] = manager.create(sessionMask, sessionShape);
        }
    }

    /** The planned L_f^u of every feature and the profile of a batch of users. */
    public final class LongTermBatch {
        private final BatchLookup lookup;
        private final int batch;
        private final int[] longTermLengths = new int[Feature.COUNT];
        private final long[][] longTermLocals = new long[Feature.COUNT][];
        private final float[][] longTermMasks = new float[Feature.COUNT][];
        private final long[][] profileLocals;

        private LongTermBatch(List<FeatureSnapshot> snapshots, BatchLookup lookup) {
            this.lookup = lookup;
            this.batch = snapshots.size();
            for (Feature f : Feature.values()) {
                planLongTerm(snapshots, f);
            }
            List<FeatureTable> profile = embeddings.profileTables();
            profileLocals = new long[profile.size()][batch];
            for (int p = 0; p < profile.size(); p++) {
                FeatureTable table = profile.get(p);
                for (int b = 0; b < batch; b++) {
                    String value = snapshots.get(b).getProfile().get(table.name());
                    profileLocals[p][b] =
                            lookup.profile(p).local(table.vocabulary().rowOf(value));
                }
            }
        }

        private void planLongTerm(List<FeatureSnapshot> snapshots, Feature f) {
            int longest = 0;
            for (FeatureSnapshot s : snapshots) {
                longest = Math.max(longest, Embeddings.longTermIds(s, f).size());
            }
            int length = paddedLength(longest, maxLongTermLength);
            long[] locals = new long[batch * length];
            float[] mask = new float[batch * length];
            BatchRows rows = lookup.of(f);
            for (int b = 0; b < batch; b++) {
                List<String> ids = recent(Embeddings.longTermIds(snapshots.get(b), f), maxLongTermLength);
                for (int t = 0; t < ids.size(); t++) {
                    locals[b * length + t] =
                            rows.local(embeddings.table(f).vocabulary().rowOf(ids.get(t)));
                    mask[b * length + t] = 1f;
                }
            }
            longTermLengths[f.ordinal()] = length;
            longTermLocals[f.ordinal()] = locals;
            longTermMasks[f.ordinal()] = mask;
        }

        public int size() {
            return batch;
        }

        /**
         * An {@link EncoderInput} list holding only the long-term entries and {@link EncoderInput#USER}; the session
         * entries are null, for an encoder's long-term branch that does not read them.
         */
        public NDList materialise(NDManager manager) {
            NDArray[] inputs = new NDArray[EncoderInput.SIZE];
            materialiseInto(inputs, manager);
            return new NDList(inputs);
        }

        private void materialiseInto(NDArray[] inputs, NDManager manager) {
            for (Feature f : Feature.values()) {
                Shape shape = new Shape(batch, longTermLengths[f.ordinal()]);
                inputs[EncoderInput.longTerm(f)] = lookup.of(f).embed(longTermLocals[f.ordinal()], shape);
                inputs[EncoderInput.longTermMask(f)] = manager.create(longTermMasks[f.ordinal()], shape);
            }
            if (profileLocals.length == 0) {
                inputs[EncoderInput.USER] = manager.zeros(new Shape(batch, 0));
            } else {
                NDList profileParts = new NDList();
                for (int p = 0; p < profileLocals.length; p++) {
                    profileParts.add(lookup.profile(p).embed(profileLocals[p], new Shape(batch)));
                }
                inputs[EncoderInput.USER] = NDArrays.concat(profileParts, 1);
            }
        }
    }

    /** The planned item-tower input e_i of a list of items. */
    public final class ItemBatch {
        private final BatchLookup lookup;
        private final int count;
        private final long[][] locals = new long[Feature.COUNT][];

        private ItemBatch(List<int[]> itemFeatureRows, BatchLookup lookup) {
            this.lookup = lookup;
            this.count = itemFeatureRows.size();
            for (Feature f : Feature.values()) {
                long[] column = new long[count];
                BatchRows rows = lookup.of(f);
                for (int i = 0; i < count; i++) {
                    column[i] = rows.local(itemFeatureRows.get(i)[f.ordinal()]);
                }
                locals[f.ordinal()] = column;
            }
        }

        /** (count, D_item): the concat of each item's feature embeddings. */
        public NDArray materialise() {
            NDList parts = new NDList();
            for (Feature f : Feature.values()) {
                parts.add(lookup.of(f).embed(locals[f.ordinal()], new Shape(count)));
            }
            return NDArrays.concat(parts, 1);
        }
    }

    private static int paddedLength(int longest, int max) {
        return Math.max(1, Math.min(longest, max));
    }

    private static <T> List<T> recent(List<T> sequence, int max) {
        return sequence.size() <= max ? sequence : sequence.subList(sequence.size() - max, sequence.size());
    }
}
