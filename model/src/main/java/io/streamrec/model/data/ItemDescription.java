package io.streamrec.model.data;

import java.util.List;

/**
 * What a person reading a recommendation needs to judge an item, where the dataset has it: a title and genres
 * (MovieLens's movies file).
 */
public record ItemDescription(String title, List<String> genres) {

    public ItemDescription {
        genres = List.copyOf(genres);
    }
}
