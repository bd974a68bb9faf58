/**
 * Dataset readers producing {@code UserEvent}s in non-decreasing event time: MovieLens ml-latest-small
 * (Harper &amp; Konstan 2015) and 1M, Taobao UserBehavior, any delimited file through a
 * {@link io.streamrec.model.data.ColumnMapping}, and a seeded {@link io.streamrec.model.data.SyntheticDataset}
 * with planted structure. Open one by kind with {@link io.streamrec.model.data.Datasets#open}.
 *
 * <p>File readers sort in memory (stable, by timestamp): fine for MovieLens 1M and slices of Taobao; the
 * full 100M-row Taobao file needs an external sort first.
 */
package io.streamrec.model.data;
