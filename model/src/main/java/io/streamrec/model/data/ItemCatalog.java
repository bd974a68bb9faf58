package io.streamrec.model.data;

import io.streamrec.schemas.UserEvent;
import java.util.Map;

/**
 * Side information per item, kept apart from the event rows (MovieLens ships genres in
 * movies.csv, not in ratings.csv). Fills in the fields an event row leaves empty.
 */
public final class ItemCatalog {

    /** An item's side information; any field may be null. */
    public record ItemInfo(String leafCategoryId, String categoryId, String shopId, String brandId) {}

    private static final ItemCatalog EMPTY = new ItemCatalog(Map.of());

    private final Map<String, ItemInfo> items;

    public ItemCatalog(Map<String, ItemInfo> items) {
        this.items = Map.copyOf(items);
    }

    public static ItemCatalog empty() {
        return EMPTY;
    }

    /** The item's side information, or null when the catalog does not know it. */
    public ItemInfo get(String itemId) {
        return items.get(itemId);
    }

    public int size() {
        return items.size();
    }

    /** Copies the catalog's side information into the fields the event does not carry itself. */
    UserEvent enrich(UserEvent event) {
        ItemInfo info = items.get(event.getItemId());
        if (info == null) {
            return event;
        }
        if (event.getLeafCategoryId() == null) {
            event.setLeafCategoryId(info.leafCategoryId());
        }
        if (event.getCategoryId() == null) {
            event.setCategoryId(info.categoryId());
        }
        if (event.getShopId() == null) {
            event.setShopId(info.shopId());
        }
        if (event.getBrandId() == null) {
            event.setBrandId(info.brandId());
        }
        return event;
    }
}
