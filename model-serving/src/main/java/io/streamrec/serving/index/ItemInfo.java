package io.streamrec.serving.index;

/** An item's side ids as the model-updates topic carries them; any may be null. */
public record ItemInfo(String leafCategoryId, String categoryId, String shopId, String brandId) {

    public static final ItemInfo NONE = new ItemInfo(null, null, null, null);
}
