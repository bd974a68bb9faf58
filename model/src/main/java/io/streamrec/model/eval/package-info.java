/**
 * Offline evaluation: the same models, features and ranking the streaming job uses, measured on any
 * event file in one run with the baselines.
 *
 * <ul>
 *   <li>{@link io.streamrec.model.eval.EvaluationData#replay} turns a dataset into one
 *       {@code TrainingExample} per event with {@code history.HistoryReplay}, the user-state rules of the
 *       streaming operator, so offline features are exactly the online ones.</li>
 *   <li>{@link io.streamrec.model.eval.LeaveLastOneOut}: each user's last event is held out; exact ranking of
 *       every item. {@link io.streamrec.model.eval.Prequential}: replay in time order, rank each batch, then
 *       learn it; report over the last part of the stream.</li>
 *   <li>Exclusion rule, the same for every model: with {@code excludeSeen} the items the user took before
 *       the ranked event are left out of the ranking (right for MovieLens, where a movie is rated once;
 *       turn it off for data with repeat consumption such as Taobao).</li>
 *   <li>Models implement {@link io.streamrec.model.eval.SequentialRecommender}: the baselines in
 *       {@code baseline}, and {@link io.streamrec.model.eval.NeuralRecommender} around the streaming
 *       {@code train.OnlineTrainer} for {@code meanpool}, {@code sdm} and {@code sine}, all neural models under
 *       one {@link io.streamrec.model.eval.NeuralSettings} budget.</li>
 * </ul>
 *
 * <p>The ml-latest-small table in the evaluation report comes from (one JVM per model gives the same figures):
 * <pre>
 * streamrec evaluate --dataset ml-latest-small --models popularity,popularity:30d,itemcf,itemcf:0.2,meanpool,sdm,sine \
 *   --epochs 1 --setting batchSize=128 --setting maxSessionLength=20 --setting maxLongTermLength=20 \
 *   --setting sparseLearningRate=0.05 --setting denseLearningRate=0.003 --setting logQCorrection=false \
 *   --setting sine.concepts=100 --setting sine.temperature=1.0 --out results.csv
 * </pre>
 *
 * <p>Known limit of prequential evaluation on MovieLens: a time-ordered batch of 128 ratings holds only
 * about 5 distinct users (people rate in bursts), so the online in-batch softmax sees mostly one user's
 * items as negatives and learns far less than from shuffled batches; the streaming trainer has the same
 * exposure on such replays.
 */
package io.streamrec.model.eval;
