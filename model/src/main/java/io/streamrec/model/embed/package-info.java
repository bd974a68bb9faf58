/**
 * Input embeddings and the item tower (docs/design.md, "Models"). Tables live on the Java heap and train with a
 * row-sparse lazy Adam: each batch gathers its distinct rows into a small leaf array that collects
 * the gradients, then only those rows are written back, so a step costs the same for 10k or 1M items.
 */
package io.streamrec.model.embed;
