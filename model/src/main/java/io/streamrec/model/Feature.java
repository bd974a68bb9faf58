package io.streamrec.model;

import io.streamrec.schemas.Behavior;

/**
 * The item-side features f ∈ F of docs/design.md ("Models"). An item's input embedding is the concat of one
 * embedding per feature, in this declaration order: e_i = concat(e_i^f, f ∈ F).
 */
public enum Feature {
    ITEM("item"),
    LEAF_CATEGORY("leafCategory"),
    CATEGORY("category"),
    SHOP("shop"),
    BRAND("brand");

    /** Number of features; the long-term sets L^u hold one list per feature. */
    public static final int COUNT = values().length;

    private final String wireName;

    Feature(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in Avro records (`LongTermFeatures` fields, `EmbeddingRow.feature`, `Tombstone.feature`). */
    public String wireName() {
        return wireName;
    }

    /** This feature's id on a behaviour, or null when the behaviour does not carry it. */
    public String idOf(Behavior behavior) {
        switch (this) {
            case ITEM:
                return behavior.getItemId();
            case LEAF_CATEGORY:
                return behavior.getLeafCategoryId();
            case CATEGORY:
                return behavior.getCategoryId();
            case SHOP:
                return behavior.getShopId();
            case BRAND:
                return behavior.getBrandId();
            default:
                throw new AssertionError(this);
        }
    }
}
