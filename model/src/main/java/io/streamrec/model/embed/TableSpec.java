package io.streamrec.model.embed;

/**
 * The shape of one feature's table.
 *
 * @param name     the feature's wire name (item, leafCategory, …) or a profile feature's name
 * @param capacity how many ids its vocabulary holds before evicting the coldest
 * @param dim      embedding width
 */
public record TableSpec(String name, int capacity, int dim) {}
