package io.streamrec.serving;

import io.streamrec.model.data.ItemDescription;
import io.streamrec.model.train.EncodedUser;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.UserVector;
import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ItemInfo;
import io.streamrec.serving.index.ScoredItem;
import io.streamrec.serving.model.Retrieval;
import io.streamrec.serving.model.ServingModel;
import io.streamrec.serving.users.UserVectorStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the service answers, without HTTP: top-K for a known user from their latest vector, for a cold session
 * encoded on the spot, and items similar to an item. Every answer is computed at one version of one model (the
 * {@link ServingModel.View} taken at its start) and says which.
 */
public final class Recommendations {

    /**
     * One answer.
     *
     * @param vectorModelVersion the version that encoded the user's vector (known users), else null
     * @param vectorEventTime    event time of the last event the user's vector reflects (known users), else null
     */
    public record Answer(
            String userId,
            String itemId,
            String modelName,
            long modelVersion,
            Long vectorModelVersion,
            Long vectorEventTime,
            List<Item> items) {}

    /** A recommended item, with its title and genres where the catalogue has them. */
    public record Item(String itemId, float score, String title, List<String> genres) {}

    private final ServingConfig config;
    private final Supplier<ServingModel> model;
    private final UserVectorStore users;
    private final Map<String, ItemDescription> descriptions;
    private final Retrieval retrieval;

    public Recommendations(
            ServingConfig config,
            Supplier<ServingModel> model,
            UserVectorStore users,
            Map<String, ItemDescription> descriptions) {
        this.config = config;
        this.model = model;
        this.users = users;
        this.descriptions = descriptions;
        this.retrieval = new Retrieval(config.diversityWeight());
    }

    /** Top {@code k} for {@code userId} from their latest vector. */
    public Answer forUser(String userId, int k, boolean excludeSeen) {
        checkK(k);
        checkId("userId", userId);
        ServingModel m = acquire();
        try {
            UserVectorStore.Stored stored = users.get(userId);
            if (stored == null) {
                throw ApiException.notFound(
                        "unknown-user", "no vector of user '" + userId + "' for model '" + m.modelName() + "'");
            }
            UserVector vector = stored.vector();
            ServingModel.View view = m.view();
            List<float[]> interests = interests(vector, m.interestCount() > 1);
            int itemWidth = view.index().dim() - m.space().indexWidth(0);
            if (interests.get(0).length != itemWidth) {
                throw new ApiException(
                        503,
                        "vector-not-servable",
                        "the vector of user '" + userId + "' (model version " + vector.getModelVersion()
                                + ") has width " + interests.get(0).length + ", model version " + view.version()
                                + " has width " + itemWidth + "; it is replaced at the user's next event");
            }
            interests = queries(m, interests);
            Set<String> seen = excludeSeen ? new HashSet<>(vector.getRecentItems()) : Set.of();
            List<ScoredItem> items = retrieval.retrieve(view, interests, k, seen::contains, m.space()::userScore);
            return new Answer(
                    userId,
                    null,
                    m.modelName(),
                    view.version(),
                    vector.getModelVersion(),
                    vector.getEventTime(),
                    described(items));
        } finally {
            m.release();
        }
    }

    /** Top {@code k} for an anonymous session of {@code itemIds} (oldest first), encoded now with the current model. */
    public Answer forSession(List<String> itemIds, int k, boolean excludeSeen) {
        checkK(k);
        if (itemIds.isEmpty() || itemIds.size() > config.maxSessionItems()) {
            throw ApiException.badRequest(
                    "bad-items",
                    "items must hold 1 to " + config.maxSessionItems() + " item ids, got " + itemIds.size());
        }
        for (String id : itemIds) {
            checkId("item id", id);
        }
        ServingModel m = acquire();
        try {
            ServingModel.View peek = m.view();
            List<Behavior> session = new ArrayList<>(itemIds.size());
            long now = System.currentTimeMillis();
            boolean anyKnown = false;
            for (int i = 0; i < itemIds.size(); i++) {
                String id = itemIds.get(i);
                ItemInfo info = peek.index().info(id, peek.version());
                anyKnown |= info != null;
                ItemInfo side = info == null ? ItemInfo.NONE : info;
                session.add(Behavior.newBuilder()
                        .setEventId("session-" + i)
                        .setItemId(id)
                        .setEventType("view")
                        .setTimestamp(now - itemIds.size() + i)
                        .setLeafCategoryId(side.leafCategoryId())
                        .setCategoryId(side.categoryId())
                        .setShopId(side.shopId())
                        .setBrandId(side.brandId())
                        .setWeight(1.0)
                        .build());
            }
            if (!anyKnown) {
                throw ApiException.badRequest(
                        "unknown-items",
                        "none of the " + itemIds.size() + " items is in model '" + m.modelName() + "' version "
                                + peek.version());
            }
            ServingModel.Encoded encoded = m.encode(snapshot(session, now));
            EncodedUser user = encoded.user();
            List<float[]> interests =
                    queries(m, m.interestCount() > 1 ? List.of(user.interests()) : List.of(user.vector()));
            Set<String> seen = excludeSeen ? new HashSet<>(itemIds) : Set.of();
            List<ScoredItem> items =
                    retrieval.retrieve(encoded.view(), interests, k, seen::contains, m.space()::userScore);
            return new Answer(null, null, m.modelName(), encoded.view().version(), null, null, described(items));
        } finally {
            m.release();
        }
    }

    /** The {@code k} items nearest to {@code itemId}'s vector, without the item itself. */
    public Answer similar(String itemId, int k) {
        checkK(k);
        checkId("itemId", itemId);
        ServingModel m = acquire();
        try {
            ServingModel.View view = m.view();
            float[] vector = view.index().vector(itemId, view.version());
            if (vector == null) {
                throw ApiException.notFound(
                        "unknown-item",
                        "item '" + itemId + "' is not in model '" + m.modelName() + "' version " + view.version());
            }
            ItemIndex.ItemFilter self = itemId::equals;
            List<ScoredItem> items = new ArrayList<>();
            for (ScoredItem item : view.index().search(m.space().similarTo(vector), k, view.version(), self)) {
                items.add(new ScoredItem(item.itemId(), m.space().similarScore(item.score()), item.info()));
            }
            return new Answer(null, itemId, m.modelName(), view.version(), null, null, described(items));
        } finally {
            m.release();
        }
    }

    /** The user's vectors as queries of the model's score space (the model's logit, prior included, is the score). */
    private static List<float[]> queries(ServingModel m, List<float[]> vectors) {
        List<float[]> queries = new ArrayList<>(vectors.size());
        vectors.forEach(v -> queries.add(m.space().user(v)));
        return queries;
    }

    private static FeatureSnapshot snapshot(List<Behavior> session, long now) {
        return FeatureSnapshot.newBuilder()
                .setUserId("")
                .setEventId("")
                .setEventTime(now)
                .setSession(session)
                .setLongTerm(LongTermFeatures.newBuilder().build())
                .setProfile(Map.of())
                .setSessionStart(session.get(0).getTimestamp())
                .setSessionsClosed(0)
                .build();
    }

    private static List<float[]> interests(UserVector vector, boolean perInterest) {
        List<float[]> out = new ArrayList<>();
        if (perInterest && vector.getInterests().size() > 1) {
            for (List<Float> interest : vector.getInterests()) {
                out.add(floats(interest));
            }
        } else {
            out.add(floats(vector.getVector()));
        }
        return out;
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private List<Item> described(List<ScoredItem> items) {
        List<Item> out = new ArrayList<>(items.size());
        for (ScoredItem item : items) {
            ItemDescription d = descriptions.get(item.itemId());
            out.add(new Item(item.itemId(), item.score(), d == null ? null : d.title(), d == null ? null : d.genres()));
        }
        return out;
    }

    private ServingModel acquire() {
        for (int attempt = 0; attempt < 3; attempt++) {
            ServingModel m = model.get();
            if (m == null) {
                throw ApiException.unavailable("no model yet: waiting for a FULL update on model-updates");
            }
            if (m.tryAcquire()) {
                return m;
            }
        }
        throw ApiException.unavailable("the model is being replaced; retry");
    }

    private void checkK(int k) {
        if (k < 1 || k > config.maxK()) {
            throw ApiException.badRequest("bad-k", "k must be between 1 and " + config.maxK() + ", got " + k);
        }
    }

    static void checkId(String what, String id) {
        if (id == null || id.isEmpty() || id.length() > ServingConfig.MAX_ID_LENGTH) {
            throw ApiException.badRequest(
                    "bad-id", what + " must have 1 to " + ServingConfig.MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw ApiException.badRequest("bad-id", what + " must not contain control characters");
            }
        }
    }
}
