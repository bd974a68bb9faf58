package io.streamrec.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamrec.model.Feature;
import io.streamrec.model.FrozenState;
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

    private final TrainerConfig config;
    private final RetrievalModel model;
    private final DenseAdam denseAdam;
    private final RowSparseAdam[] sparseAdam;
    private final TrainingObjective objective;
    private ModelVersions versions = new ModelVersions();
    private long step;
    private long skippedSteps;
    private long forwardBackwardNanos;
    private long optimiserNanos;
    private long scoreNanos;

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
        return step(batch, List.of());
    }

    /**
     * As {@link #step(List)}, with {@code recentTargets} as extra negatives (cross-batch negatives: targets of recent
     * training examples, drawn like the in-batch ones from the stream's item distribution, so the same log p̂
     * corrects them, scaled by 1 + R/B for the R extra draws).
     */
    public float step(List<TrainingExample> batch, List<String> recentTargets) {
        return step(batch, recentTargets, 0, List.of()).loss();
    }

    /**
     * What a step did: its loss before the update and, when asked, the rankings of the first examples under the
     * weights before the update.
     */
    public record StepResult(float loss, List<Ranking> rankings) {}

    /**
     * One step that also scores: the first {@code scored} examples of {@code batch} are ranked (target ranks only,
     * no top-K lists) with the weights before the update, from the user vectors of the step's own forward pass,
     * leaving out {@code exclude.get(i)} from example i's ranking. Test-then-train for the price of one forward
     * pass; the ids of the scored examples must be admitted first ({@link #admit}), so that they are ranked.
     *
     * <p>Users are encoded in sub-batches of similar session length ({@link SessionBuckets}), so a batch of short
     * sessions is not padded to its longest; the loss is over the whole batch, as one.
     */
    public StepResult step(
            List<TrainingExample> batch,
            List<String> recentTargets,
            int scored,
            List<? extends Collection<String>> exclude) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a training step needs at least one example");
        }
        if (scored < 0 || scored > batch.size() || exclude.size() != scored) {
            throw new IllegalArgumentException("can score the first 0.." + batch.size() + " examples with one exclusion"
                    + " set each, got " + scored + " and " + exclude.size());
        }
        long started = System.nanoTime();
        long t = ++step;
        Embeddings embeddings = model.embeddings();
        for (TrainingExample example : batch) {
            embeddings.admit(example.getContext(), t);
            embeddings.admit(example.getTarget(), t);
        }
        int[] order = bucketOrder(batch);
        List<TrainingExample> ordered = new ArrayList<>(batch.size());
        for (int position : order) {
            ordered.add(batch.get(position));
        }
        Targets batchTargets = Targets.of(ordered, embeddings);
        BatchLookup lookup = embeddings.newLookup();
        UserPlan users = shareLongTerm
                ? model.planUsers(bucketContexts(ordered), lookup)
                : UserPlan.whole(model.input(), bucketContexts(ordered), lookup);
        InputEmbedding.ItemBatch targets = model.input().planItems(batchTargets.rows(), lookup);
        List<String> uniform = sampleNegativeIds(t);
        List<String> recent = knownItems(recentTargets);
        List<String> negativeIds = new ArrayList<>(uniform.size() + recent.size());
        negativeIds.addAll(uniform);
        negativeIds.addAll(recent);
        List<int[]> negativeRows = rowsOfItems(negativeIds);
        InputEmbedding.ItemBatch negatives =
                negativeIds.isEmpty() ? null : model.input().planItems(negativeRows, lookup);
        ColumnRules rules =
                ColumnRules.of(ordered, batchTargets.ids(), negativeIds, config, model.repeatScore() != null);
        // read before the loss updates the estimator with this batch's targets: the prior must not know them
        int[] itemRows = scored == 0 ? null : model.itemRows();
        float[] prior = scored == 0 ? null : popularityPrior(itemRows);
        try (NDManager batchManager = model.manager().newSubManager()) {
            lookup.gather(batchManager, true);
            float loss;
            NDArray userVectors;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                List<NDList> outputs = users.forward(model, batchManager, true);
                NDList vectorParts = new NDList(outputs.size());
                NDArray regulariser = null;
                for (NDList out : outputs) {
                    vectorParts.add(out.get(EncoderOutput.VECTOR));
                    if (regulariser == null && out.size() > EncoderOutput.REGULARISER) {
                        // the encoder's regulariser depends on its parameters only: counted once per step
                        regulariser = out.get(EncoderOutput.REGULARISER);
                    }
                }
                userVectors = vectorParts.size() == 1 ? vectorParts.head() : NDArrays.concat(vectorParts, 0);
                NDArray objectiveLoss = objective.loss(
                        userVectors,
                        model.forwardItems(targets, true),
                        batchTargets.ids(),
                        itemRowsOf(batchTargets.rows()),
                        batchTargets.rewards(),
                        negatives == null ? null : model.forwardItems(negatives, true),
                        negativeIds,
                        itemRowsOf(negativeRows),
                        new TrainingObjective.Negatives(
                                uniform.size(), recent.size(), itemVocabulary().size()),
                        rules.notNegative(batchManager),
                        rules.repeatBuckets() == null
                                ? null
                                : model.repeatBonus(rules.repeatBuckets(batchManager), true));
                NDArray total = regulariser != null ? objectiveLoss.add(regulariser) : objectiveLoss;
                collector.backward(total);
                loss = total.getFloat();
            }
            long scoreStart = System.nanoTime();
            forwardBackwardNanos += scoreStart - started;
            List<Ranking> rankings = scored == 0
                    ? List.of()
                    : rankFromStep(
                            userVectors, order, batch.subList(0, scored), exclude, itemRows, prior, batchManager);
            long optimiserStart = System.nanoTime();
            scoreNanos += optimiserStart - scoreStart;
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
                optimiserNanos += System.nanoTime() - optimiserStart;
                return new StepResult(loss, rankings);
            }
            denseAdam.update(model.denseParameters(), denseGradients);
            for (int i = 0; i < rows.length; i++) {
                sparseAdam[i].update(rows[i].table(), rows[i].rows(), sparseGradients[i], t);
            }
            optimiserNanos += System.nanoTime() - optimiserStart;
            return new StepResult(loss, rankings);
        }
    }

    /** The batch's positions in bucket order: sub-batches of similar session length, shortest first. */
    private int[] bucketOrder(List<TrainingExample> batch) {
        int[] lengths = new int[batch.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Math.max(
                    1,
                    Math.min(
                            config.get(TrainerOptions.MAX_SESSION_LENGTH),
                            batch.get(i).getContext().getSession().size()));
        }
        List<int[]> buckets = bucketing.partition(lengths);
        int[] order = new int[batch.size()];
        int at = 0;
        for (int[] bucket : buckets) {
            for (int position : bucket) {
                order[at++] = position;
            }
        }
        bucketSizes = buckets.stream().mapToInt(b -> b.length).toArray();
        return order;
    }

    /**
     * Whether steps run an encoder's long-term branch once per distinct long-term history ({@link UserPlan}); tests
     * compare with encoding every bucket whole.
     */
    boolean shareLongTerm = true;

    /** How steps split a batch by session length (package-private for tests that compare with one padded batch). */
    SessionBuckets bucketing = SessionBuckets.DEFAULT;

    /** The bucket sizes of the last {@link #bucketOrder}, in order. */
    private int[] bucketSizes = new int[0];

    /** The contexts of {@code ordered}, one list per bucket of {@link #bucketOrder}. */
    private List<List<FeatureSnapshot>> bucketContexts(List<TrainingExample> ordered) {
        List<List<FeatureSnapshot>> buckets = new ArrayList<>(bucketSizes.length);
        int from = 0;
        for (int size : bucketSizes) {
            List<FeatureSnapshot> contexts = new ArrayList<>(size);
            for (TrainingExample e : ordered.subList(from, from + size)) {
                contexts.add(e.getContext());
            }
            buckets.add(contexts);
            from += size;
        }
        return buckets;
    }

    /**
     * Ranks the first examples of the batch with the user vectors of the step's forward pass (in bucket order,
     * {@code order}) against the item matrix as it stands before the update.
     */
    private List<Ranking> rankFromStep(
            NDArray userVectors,
            int[] order,
            List<TrainingExample> scoredExamples,
            List<? extends Collection<String>> exclude,
            int[] itemRows,
            float[] prior,
            NDManager batchManager) {
        if (itemRows.length == 0) {
            return Collections.nCopies(scoredExamples.size(), new Ranking(List.of(), Ranking.UNRANKED));
        }
        float[] all = userVectors.stopGradient().toFloatArray();
        int d = (int) userVectors.getShape().get(1);
        float[] picked = new float[scoredExamples.size() * d];
        for (int position = 0; position < order.length; position++) {
            if (order[position] < scoredExamples.size()) {
                System.arraycopy(all, position * d, picked, order[position] * d, d);
            }
        }
        return RetrievalModel.withoutGradients(() -> {
            try (NDManager scoreManager = batchManager.newSubManager()) {
                NDArray users = scoreManager
                        .create(picked, new Shape(scoredExamples.size(), d))
                        .normalize(2, 1);
                return itemRanking(itemRows, prior, scoreManager).rank(users, scoredExamples, 0, exclude);
            }
        });
    }

    /** Nanoseconds spent ranking the scored examples of steps ({@link #step(List, List, int, List)}). */
    public long scoreNanos() {
        return scoreNanos;
    }

    /** Nanoseconds spent so far in steps up to the end of the backward pass (planning, gathering, forward, backward). */
    public long forwardBackwardNanos() {
        return forwardBackwardNanos;
    }

    /** Nanoseconds spent so far taking gradients and updating weights and optimiser moments. */
    public long optimiserNanos() {
        return optimiserNanos;
    }

    /**
     * Gives every id of {@code examples} (contexts and targets) a row now, as the next step would: the ids of an
     * example the trainer scores but may never train on (sampled away under load) still enter the vocabularies, so
     * a new item can be ranked from the moment it is first seen.
     */
    public void admit(List<TrainingExample> examples) {
        Embeddings embeddings = model.embeddings();
        // stamped with the next step, as the step itself stamps them: an eviction made now must be after the step
        // the last published version was built at, or that version's next delta would miss its tombstone
        long next = step + 1;
        for (TrainingExample example : examples) {
            embeddings.admit(example.getContext(), next);
            embeddings.admit(example.getTarget(), next);
        }
    }

    private List<String> knownItems(List<String> ids) {
        if (ids.isEmpty()) {
            return ids;
        }
        List<String> known = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (itemVocabulary().rowOf(id) != DynamicVocabulary.PADDING_ROW) {
                known.add(id);
            }
        }
        return known;
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
        return rankings(batch, k, exclude);
    }

    /** As {@link #score}, with {@code k} = 0 for target ranks only (no top-K lists). */
    private List<Ranking> rankings(List<TrainingExample> batch, int k, List<? extends Collection<String>> exclude) {
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
                ItemRanking ranking = itemRanking(itemRows, popularityPrior(itemRows), scoreManager);
                List<FeatureSnapshot> contexts =
                        batch.stream().map(TrainingExample::getContext).toList();
                NDArray users = model.userVectors(contexts, scoreManager);
                return ranking.rank(users, batch, k, exclude);
            }
        });
    }

    /** The current item matrix with the retrieval terms, in {@code manager} (call with gradients off). */
    private ItemRanking itemRanking(int[] itemRows, float[] prior, NDManager manager) {
        return new ItemRanking(
                itemRows,
                model.itemVectors(itemRows, manager),
                prior,
                model.repeatScore() == null ? null : model.repeatScore().bonusByBucket(),
                config.get(TrainerOptions.TEMPERATURE).floatValue(),
                itemVocabulary());
    }

    /**
     * β·log p̂_j per column: what popularity knows, added back at retrieval (the logQ correction removed it in
     * training, so the model learns log P(j|u) up to what its vectors can hold); null when β is 0.
     */
    private float[] popularityPrior(int[] itemRows) {
        float beta = config.get(TrainerOptions.POPULARITY_PRIOR).floatValue();
        if (beta == 0) {
            return null;
        }
        DynamicVocabulary items = itemVocabulary();
        StreamingFrequencyEstimator estimator = objective.estimator();
        float[] prior = new float[itemRows.length];
        for (int c = 0; c < itemRows.length; c++) {
            prior[c] = (float) (beta * estimator.logProbability(items.idAt(itemRows[c])));
        }
        return prior;
    }

    /** User vectors of the current training weights (gradients off). */
    public List<EncodedUser> encode(List<FeatureSnapshot> snapshots) {
        return model.encode(snapshots);
    }

    /** Writes the whole trainer: configuration, step, versions, vocabularies, weights, optimiser moments, estimator. */
    public void save(OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
        freeze().writeTo(out);
        out.flush();
    }

    /**
     * A copy of everything {@link #save} writes, taken now and written later, on any thread: array copies of the
     * tables, moments and estimator (the dense parameters, small, are written at once). Call it on the trainer's
     * thread between calls, or while that thread is paused; writing the copy needs neither.
     */
    public FrozenState freeze() {
        FrozenState head = FrozenState.written(out -> {
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
        });
        FrozenState embeddings = model.embeddings().freeze();
        List<FrozenState> moments = new ArrayList<>(sparseAdam.length);
        for (RowSparseAdam optimiser : sparseAdam) {
            moments.add(optimiser.freeze());
        }
        FrozenState dense = FrozenState.written(out -> {
            model.denseParameters().writeTo(out);
            denseAdam.writeTo(out);
        });
        FrozenState estimator = objective.freeze();
        return out -> {
            head.writeTo(out);
            embeddings.writeTo(out);
            for (FrozenState m : moments) {
                m.writeTo(out);
            }
            dense.writeTo(out);
            estimator.writeTo(out);
        };
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
