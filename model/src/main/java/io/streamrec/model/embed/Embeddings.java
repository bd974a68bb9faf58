package io.streamrec.model.embed;

import io.streamrec.model.Feature;
import io.streamrec.model.FrozenState;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Every input embedding of the model: one {@link FeatureTable} per item {@link Feature} (e_i is
 * their concat) and one per profile feature (e_u is their concat), plus the {@link ItemSideFeatures}.
 */
public final class Embeddings {

    private final FeatureTable[] tables;
    private final ItemSideFeatures sideFeatures;

    private Embeddings(FeatureTable[] tables, ItemSideFeatures sideFeatures) {
        this.tables = tables;
        this.sideFeatures = sideFeatures;
        table(Feature.ITEM).onRowAssigned(sideFeatures::clear);
    }

    /**
     * @param itemFeatures one spec per {@link Feature}, in declaration order
     * @param profile      one spec per profile feature (may be empty)
     */
    public static Embeddings create(List<TableSpec> itemFeatures, List<TableSpec> profile, float initStd, long seed) {
        FeatureTable[] tables = new FeatureTable[Feature.COUNT + profile.size()];
        List<TableSpec> specs = allSpecs(itemFeatures, profile);
        for (int i = 0; i < tables.length; i++) {
            tables[i] = new FeatureTable(specs.get(i), initStd, seed);
        }
        return new Embeddings(tables, new ItemSideFeatures());
    }

    public FeatureTable table(Feature f) {
        return tables[f.ordinal()];
    }

    /** Item-feature tables in {@link Feature} order, then profile tables. */
    public List<FeatureTable> tables() {
        return List.of(tables);
    }

    public List<FeatureTable> profileTables() {
        return List.of(tables).subList(Feature.COUNT, tables.length);
    }

    /** The table named {@code name} (a feature wire name or a profile feature), or null. */
    public FeatureTable byName(String name) {
        for (FeatureTable t : tables) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public ItemSideFeatures sideFeatures() {
        return sideFeatures;
    }

    /** Width of e_u: the sum of the profile tables' widths. */
    public int userDim() {
        return profileTables().stream().mapToInt(FeatureTable::dim).sum();
    }

    public BatchLookup newLookup() {
        return new BatchLookup(tables);
    }

    /** Gives every id of {@code behavior} a row, marks them seen at {@code step}, and records its side information. */
    public void admit(Behavior behavior, long step) {
        for (Feature f : Feature.values()) {
            int row = table(f).vocabulary().admit(f.idOf(behavior), step);
            if (f == Feature.ITEM) {
                sideFeatures.record(row, behavior);
            }
        }
    }

    /** Admits every id a snapshot carries: session behaviours, long-term ids, profile values. */
    public void admit(FeatureSnapshot snapshot, long step) {
        for (Behavior b : snapshot.getSession()) {
            admit(b, step);
        }
        for (Feature f : Feature.values()) {
            DynamicVocabulary vocabulary = table(f).vocabulary();
            for (String id : longTermIds(snapshot, f)) {
                vocabulary.admit(id, step);
            }
        }
        Map<String, String> profile = snapshot.getProfile();
        for (FeatureTable t : profileTables()) {
            t.vocabulary().admit(profile.get(t.name()), step);
        }
    }

    /** The row of each feature of {@code behavior}, in {@link Feature} order (0 where unknown). */
    public int[] featureRows(Behavior behavior) {
        int[] rows = new int[Feature.COUNT];
        for (Feature f : Feature.values()) {
            rows[f.ordinal()] = table(f).vocabulary().rowOf(f.idOf(behavior));
        }
        return rows;
    }

    /** The feature rows of the item in {@code itemRow}, its side information taken from {@link #sideFeatures()}. */
    public int[] featureRowsOfItem(int itemRow) {
        int[] rows = new int[Feature.COUNT];
        rows[0] = itemRow;
        for (Feature f : Feature.values()) {
            if (f != Feature.ITEM) {
                rows[f.ordinal()] = table(f).vocabulary().rowOf(sideFeatures.sideId(itemRow, f));
            }
        }
        return rows;
    }

    /** L_f^u of a snapshot: its long-term ids of feature {@code f}, most recent last. */
    public static List<String> longTermIds(FeatureSnapshot snapshot, Feature f) {
        LongTermFeatures lt = snapshot.getLongTerm();
        if (lt == null) {
            return List.of();
        }
        switch (f) {
            case ITEM:
                return lt.getItem();
            case LEAF_CATEGORY:
                return lt.getLeafCategory();
            case CATEGORY:
                return lt.getCategory();
            case SHOP:
                return lt.getShop();
            case BRAND:
                return lt.getBrand();
            default:
                throw new AssertionError(f);
        }
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of every table and the side information, as {@link #writeTo} writes them. */
    public FrozenState freeze() {
        List<FrozenState> parts = new ArrayList<>(tables.length + 1);
        for (FeatureTable t : tables) {
            parts.add(t.freeze());
        }
        parts.add(sideFeatures.freeze());
        return out -> {
            for (FrozenState part : parts) {
                part.writeTo(out);
            }
        };
    }

    /** Reads what {@link #writeTo} wrote, for tables built from the same specs. */
    public static Embeddings readFrom(
            DataInput in, List<TableSpec> itemFeatures, List<TableSpec> profile, float initStd, long seed)
            throws IOException {
        List<TableSpec> specs = allSpecs(itemFeatures, profile);
        FeatureTable[] tables = new FeatureTable[specs.size()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = FeatureTable.readFrom(in, specs.get(i), initStd, seed);
        }
        ItemSideFeatures sideFeatures = new ItemSideFeatures();
        sideFeatures.readFrom(in);
        return new Embeddings(tables, sideFeatures);
    }

    private static List<TableSpec> allSpecs(List<TableSpec> itemFeatures, List<TableSpec> profile) {
        if (itemFeatures.size() != Feature.COUNT) {
            throw new IllegalArgumentException(
                    "need one table spec per item feature " + Arrays.toString(Feature.values()));
        }
        List<TableSpec> specs = new ArrayList<>(itemFeatures);
        specs.addAll(profile);
        return specs;
    }
}
