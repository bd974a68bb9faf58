package io.streamrec.serving.index;

/** An item found by a search and its score: the dot product of the query and the item's (normalised) vector. */
public record ScoredItem(String itemId, float score, ItemInfo info) {}
