package io.streamrec.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.streamrec.model.Feature;
import io.streamrec.model.embed.AdamRule;
import io.streamrec.model.embed.BatchLookup;
import io.streamrec.model.embed.BatchRows;
import io.streamrec.model.embed.Embeddings;
import io.streamrec.model.embed.FeatureTable;
import io.streamrec.model.embed.InputEmbedding;
import io.streamrec.model.embed.RowSparseAdam;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderOutput;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.estimator.StreamingFrequencyEstimator;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Trains the two-tower model on the stream, one batch at a time, test-then-train: the streaming job
 * calls {@link #score} on a batch, then {@link #step} on it.
 *
 * <p>A step admits the batch's new ids into the vocabularies, embeds contexts and targets through one
 * {@link BatchLookup} (so each row gathers a single gradient), encodes the users, passes targets
 * (and optional mixed negatives) through the item tower, and minimises the logQ-corrected in-batch
 * softmax plus the encoder's regulariser. Dense parameters take an Adam step; the embedding tables
 * take a {@link RowSparseAdam} step on the batch's rows only.
 *
 * <p>Single-threaded: DJL allows one {@link GradientCollector} per JVM, so one trainer per JVM, and
 * every call on the thread that owns it. Encoders that serve requests use their own copy
 * ({@code sync.EncoderReplica}), never these weights.
 */
public final class OnlineTrainer implements AutoCloseable {

    private static final int MAGIC = 0x5352_5452;
    private static final int FORMAT = 1;
    /** Most scores held at once while ranking: users are ranked in chunks of ≤ this / catalogue size. */
    private static final int SCORE_CELLS = 1 << 24;

    private final TrainerConfig config;
    private final RetrievalModel model;
    private final DenseAdam denseAdam;
    private final RowSparseAdam[] sparseAdam;
    private final TrainingObjective objective;
    private ModelVersions versions = new ModelVersions();
    private long step;
    private long skippedSteps;

    /** A fresh trainer whose encoder is built by {@code encoderFactory} for the configured dimensions. */
    public OnlineTrainer(TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoderFactory) {
        this(config, RetrievalModel.create(config, encoderFactory));
    }

    private OnlineTrainer(TrainerConfig config, RetrievalModel model) {
        this.config = config;
        this.model = model;
        this.denseAdam = new DenseAdam(AdamRule.withLearningRate(
                config.get(TrainerOptions.DENSE_LEARNING_RATE).floatValue()));
        List<FeatureTable> tables = model.embeddings().tables();
        this.sparseAdam = new RowSparseAdam[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            RowSparseAdam optimiser = new RowSparseAdam(
                    AdamRule.withLearningRate(
                            config.get(TrainerOptions.SPARSE_LEARNING_RATE).floatValue()),
                    tables.get(i).dim());
            tables.get(i).onRowAssigned(optimiser::reset);
            sparseAdam[i] = optimiser;
        }
        this.objective = new TrainingObjective(config);
    }

    public TrainerConfig config() {
        return config;
    }

    /** The training weights. Read them only on the trainer's thread, between calls. */
    public RetrievalModel model() {
        return model;
    }

    /** Training steps taken so far (the global step t). */
    public long stepCount() {
        return step;
    }

    /**
     * Steps whose loss or gradients were not finite, since this trainer was built or loaded: their updates were
     * dropped, so no weight or optimiser moment ever holds a NaN or an infinity.
     */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * A copy of the streaming frequency estimator behind the logQ correction (its arrays are checkpointed with
     * the trainer); read it on the trainer's thread, between calls.
     */
    public StreamingFrequencyEstimator frequencyEstimator() {
        return objective.estimatorCopy();
    }

    /** The versions published from this trainer's state (used by {@code sync}). */
    public ModelVersions versions() {
        return versions;
    }

    /**
     * One optimisation step on {@code batch}; returns the loss before the update. Ids seen for the
     * first time enter the vocabularies (evicting the coldest when full) before the forward pass. A step
     * whose loss or any gradient is not finite changes no weight and no optimiser moment (see {@link #skippedSteps}).
     */
    public float step(List<TrainingExample> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a training step needs at least one example");
        }
        long t = ++step;
        Embeddings embeddings = model.embeddings();
        List<FeatureSnapshot> contexts = new ArrayList<>(batch.size());
        for (TrainingExample example : batch) {
            embeddings.admit(example.getContext(), t);
            embeddings.admit(example.getTarget(), t);
            contexts.add(example.getContext());
        }
        Targets batchTargets = Targets.of(batch, embeddings);
        BatchLookup lookup = embeddings.newLookup();
        InputEmbedding.UserBatch users = model.input().planUsers(contexts, lookup);
        InputEmbedding.ItemBatch targets = model.input().planItems(batchTargets.rows(), lookup);
        List<String> negativeIds = sampleNegativeIds(t);
        List<int[]> negativeRows = rowsOfItems(negativeIds);
        InputEmbedding.ItemBatch negatives =
                negativeIds.isEmpty() ? null : model.input().planItems(negativeRows, lookup);
        try (NDManager batchManager = model.manager().newSubManager()) {
            lookup.gather(batchManager, true);
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = model.forwardUsers(users, batchManager, true);
                NDArray objectiveLoss = objective.loss(
                        out.get(EncoderOutput.VECTOR),
                        model.forwardItems(targets, true),
                        batchTargets.ids(),
                        itemRowsOf(batchTargets.rows()),
                        batchTargets.rewards(),
                        negatives == null ? null : model.forwardItems(negatives, true),
                        negativeIds,
                        itemRowsOf(negativeRows),
                        itemVocabulary().size());
                NDArray total = out.size() > EncoderOutput.REGULARISER
                        ? objectiveLoss.add(out.get(EncoderOutput.REGULARISER))
                        : objectiveLoss;
                collector.backward(total);
                loss = total.getFloat();
            }
            Map<String, float[]> denseGradients = denseAdam.takeGradients(model.denseParameters());
            BatchRows[] rows = lookup.all();
            float[][] sparseGradients = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                sparseGradients[i] = rows[i].gradient();
            }
            if (!Float.isFinite(loss)
                    || !allFinite(denseGradients.values())
                    || !allFinite(Arrays.asList(sparseGradients))) {
                // Adam's moments would carry a NaN into every weight it ever touches again: drop this batch's update
                skippedSteps++;
                return loss;
            }
            denseAdam.update(model.denseParameters(), denseGradients);
            for (int i = 0; i < rows.length; i++) {
                sparseAdam[i].update(rows[i].table(), rows[i].rows(), sparseGradients[i], t);
            }
            return loss;
        }
    }

    /**
     * The in-batch softmax loss of {@code batch} under the current weights, changing nothing: no id enters a
     * vocabulary (an unknown id embeds as padding), the frequency estimator is read but not updated, no
     * negatives are drawn, no regulariser is added and no gradient is recorded. On a fixed batch it tells a
     * trained model from a fresh one, which the rolling training loss cannot, since that drifts with the stream.
     */
    public float probeLoss(List<TrainingExample> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a probe needs at least one example");
        }
        Embeddings embeddings = model.embeddings();
        Targets probeTargets = Targets.of(batch, embeddings);
        List<FeatureSnapshot> contexts =
                batch.stream().map(TrainingExample::getContext).toList();
        return RetrievalModel.withoutGradients(() -> {
            BatchLookup lookup = embeddings.newLookup();
            InputEmbedding.UserBatch users = model.input().planUsers(contexts, lookup);
            InputEmbedding.ItemBatch targets = model.input().planItems(probeTargets.rows(), lookup);
            try (NDManager probeManager = model.manager().newSubManager()) {
                lookup.gather(probeManager, false);
                NDArray userVectors =
                        model.forwardUsers(users, probeManager, false).get(EncoderOutput.VECTOR);
                return objective
                        .probeLoss(
                                userVectors,
                                model.forwardItems(targets, false),
                                probeTargets.ids(),
                                itemRowsOf(probeTargets.rows()),
                                probeTargets.rewards())
                        .getFloat();
            }
        });
    }

    /** A batch's targets as the loss takes them: feature rows, item ids (estimator keys) and rewards r_i. */
    private record Targets(List<int[]> rows, List<String> ids, float[] rewards) {
        static Targets of(List<TrainingExample> batch, Embeddings embeddings) {
            List<int[]> rows = new ArrayList<>(batch.size());
            List<String> ids = new ArrayList<>(batch.size());
            float[] rewards = new float[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                rows.add(embeddings.featureRows(batch.get(i).getTarget()));
                ids.add(batch.get(i).getTarget().getItemId());
                rewards[i] = (float) batch.get(i).getTarget().getWeight();
            }
            return new Targets(rows, ids, rewards);
        }
    }

    private static boolean allFinite(Collection<float[]> arrays) {
        for (float[] values : arrays) {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** M item ids drawn uniformly from the item vocabulary, seeded by (seed, step) so a restored trainer draws the same. */
    private List<String> sampleNegativeIds(long t) {
        DynamicVocabulary items = itemVocabulary();
        int m = config.get(TrainerOptions.MIXED_NEGATIVES);
        if (m == 0 || items.size() == 0) {
            return List.of();
        }
        Random random = new Random(config.get(TrainerOptions.SEED) * 1_000_003L + t);
        List<String> ids = new ArrayList<>(m);
        while (ids.size() < m) {
            String id = items.idAt(1 + random.nextInt(items.rowBound() - 1));
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private List<int[]> rowsOfItems(List<String> itemIds) {
        List<int[]> rows = new ArrayList<>(itemIds.size());
        for (String id : itemIds) {
            rows.add(model.embeddings().featureRowsOfItem(itemVocabulary().rowOf(id)));
        }
        return rows;
    }

    private static long[] itemRowsOf(List<int[]> featureRows) {
        return featureRows.stream()
                .mapToLong(rows -> rows[Feature.ITEM.ordinal()])
                .toArray();
    }

    private DynamicVocabulary itemVocabulary() {
        return model.embeddings().table(Feature.ITEM).vocabulary();
    }

    /**
     * Exact top-{@code k} over every item in the vocabulary for each example's context, with its
     * target's rank (items scoring equal to the target rank ahead of it).
     */
    public List<Ranking> score(List<TrainingExample> batch, int k) {
        return score(batch, k, Collections.nCopies(batch.size(), Set.of()));
    }

    /**
     * As {@link #score(List, int)}, leaving out {@code exclude.get(i)} (e.g. items the user already
     * consumed) from example i's ranking; the target itself is never left out.
     */
    public List<Ranking> score(List<TrainingExample> batch, int k, List<? extends Collection<String>> exclude) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (exclude.size() != batch.size()) {
            throw new IllegalArgumentException(
                    "need one exclusion set per example: " + exclude.size() + " for " + batch.size());
        }
        int[] itemRows = model.itemRows();
        if (itemRows.length == 0 || batch.isEmpty()) {
            return Collections.nCopies(batch.size(), new Ranking(List.of(), Ranking.UNRANKED));
        }
        return RetrievalModel.withoutGradients(() -> {
            try (NDManager scoreManager = model.manager().newSubManager()) {
                NDArray items = model.itemVectors(itemRows, scoreManager).transpose();
                List<Ranking> rankings = new ArrayList<>(batch.size());
                int chunk = Math.max(1, SCORE_CELLS / itemRows.length);
                for (int from = 0; from < batch.size(); from += chunk) {
                    List<TrainingExample> part = batch.subList(from, Math.min(batch.size(), from + chunk));
                    List<FeatureSnapshot> contexts =
                            part.stream().map(TrainingExample::getContext).toList();
                    float[] scores = model.userVectors(contexts, scoreManager)
                            .matMul(items)
                            .toFloatArray();
                    for (int i = 0; i < part.size(); i++) {
                        rankings.add(
                                rank(scores, i * itemRows.length, itemRows, part.get(i), k, exclude.get(from + i)));
                    }
                }
                return rankings;
            }
        });
    }

    private Ranking rank(
            float[] scores, int offset, int[] itemRows, TrainingExample example, int k, Collection<String> exclude) {
        DynamicVocabulary items = itemVocabulary();
        String targetId = example.getTarget().getItemId();
        // excluded columns as a mask, built only when there are any: the streaming trainer excludes nothing, and a
        // set lookup per column (boxing each row) was a fifth of its scoring time
        boolean[] excluded = null;
        for (String id : exclude) {
            int column = Arrays.binarySearch(itemRows, items.rowOf(id));
            if (column >= 0 && !id.equals(targetId)) {
                if (excluded == null) {
                    excluded = new boolean[itemRows.length];
                }
                excluded[column] = true;
            }
        }
        int targetColumn = Arrays.binarySearch(itemRows, items.rowOf(targetId));
        float targetScore = targetColumn >= 0 ? scores[offset + targetColumn] : Float.NaN;
        TopK top = new TopK(Math.min(k, itemRows.length));
        // a NaN target score ranks last: `s >= NaN` is false for every s, which would rank a diverged model first
        boolean targetUnscorable = Float.isNaN(targetScore);
        int better = 0;
        for (int c = 0; c < itemRows.length; c++) {
            if (excluded != null && excluded[c]) {
                continue;
            }
            float s = scores[offset + c];
            // ties count against the target, so a degenerate model (e.g. all-zero vectors) cannot score hits
            if (c != targetColumn && (targetUnscorable || s >= targetScore)) {
                better++;
            }
            top.offer(c, s);
        }
        List<String> ids = new ArrayList<>();
        for (int c : top.columnsBestFirst()) {
            ids.add(items.idAt(itemRows[c]));
        }
        return new Ranking(ids, targetColumn >= 0 ? better + 1 : Ranking.UNRANKED);
    }

    /** User vectors of the current training weights (gradients off). */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return model.encode(snapshots);
    }

    /** Writes the whole trainer: configuration, step, versions, vocabularies, weights, optimiser moments, estimator. */
    public void save(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        Map<String, String> settings = config.toMap();
        out.writeInt(settings.size());
        for (Map.Entry<String, String> e : settings.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeUTF(model.encoder().name());
        out.writeLong(step);
        versions.writeTo(out);
        model.embeddings().writeTo(out);
        for (RowSparseAdam optimiser : sparseAdam) {
            optimiser.writeTo(out);
        }
        model.denseParameters().writeTo(out);
        denseAdam.writeTo(out);
        objective.writeTo(out);
        out.flush();
    }

    /** Restores a trainer written by {@link #save}; {@code encoderFactory} must build the same encoder. */
    public static OnlineTrainer load(InputStream stream, Function<EncoderDimensions, UserEncoder> encoderFactory)
            throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(stream));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a saved streamrec trainer (bad magic number)");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException(
                    "saved trainer format " + format + " is not readable by this build (reads " + FORMAT + ")");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            settings.put(in.readUTF(), in.readUTF());
        }
        TrainerConfig config = TrainerConfig.fromMap(settings);
        String encoderName = in.readUTF();
        long step = in.readLong();
        ModelVersions versions = new ModelVersions();
        versions.readFrom(in);
        Embeddings embeddings = Embeddings.readFrom(
                in,
                config.itemFeatureTables(),
                config.profileTables(),
                config.get(TrainerOptions.EMBEDDING_INIT_STD).floatValue(),
                config.get(TrainerOptions.SEED));
        OnlineTrainer trainer = new OnlineTrainer(config, new RetrievalModel(config, encoderFactory, embeddings));
        if (!trainer.model.encoder().name().equals(encoderName)) {
            trainer.close();
            throw new IOException("the trainer was saved with encoder '" + encoderName + "' but the factory builds '"
                    + trainer.model.encoder().name() + "'; pass the matching encoder factory");
        }
        trainer.step = step;
        trainer.versions = versions;
        for (RowSparseAdam optimiser : trainer.sparseAdam) {
            optimiser.readFrom(in);
        }
        trainer.model.denseParameters().readFrom(in);
        trainer.denseAdam.readFrom(in);
        trainer.objective.readFrom(in);
        return trainer;
    }

    @Override
    public void close() {
        model.close();
    }
}
