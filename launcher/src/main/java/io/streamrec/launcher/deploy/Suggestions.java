package io.streamrec.launcher.deploy;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" for a misspelt field: the closest known name within a small edit distance. */
final class Suggestions {

    private Suggestions() {}

    static Optional<String> closest(String unknown, Collection<String> known) {
        int limit = Math.max(1, Math.min(3, unknown.length() / 3));
        return known.stream()
                .filter(k -> distance(unknown.toLowerCase(), k.toLowerCase()) <= limit)
                .min(Comparator.comparingInt((String k) -> distance(unknown.toLowerCase(), k.toLowerCase()))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** The message for an unknown field: with the closest known name, or the known names when there are few. */
    static String unknownField(String unknown, Collection<String> known) {
        Optional<String> closest = closest(unknown, known);
        if (closest.isPresent()) {
            return "unknown field '" + unknown + "'; did you mean '" + closest.get() + "'?";
        }
        if (known.isEmpty()) {
            return "unknown field '" + unknown + "': this object takes no fields";
        }
        if (known.size() <= 12) {
            return "unknown field '" + unknown + "'; known fields: "
                    + String.join(", ", known.stream().sorted().toList());
        }
        return "unknown field '" + unknown + "'";
    }

    /** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
