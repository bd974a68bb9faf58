package io.streamrec.model.data;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Any delimited event file read through a {@link ColumnMapping}: the generic CSV reader, and the
 * Taobao UserBehavior reader ({@link ColumnMapping#TAOBAO_USER_BEHAVIOR}). Rows without an
 * event-id column get {@code <name>-L<line>}, unique per row and stable across reads.
 */
public final class CsvDataset implements EventDataset {

    private final String name;
    private final Path file;
    private final ColumnMapping mapping;

    public CsvDataset(String name, Path file, ColumnMapping mapping) {
        this.name = Objects.requireNonNull(name, "name");
        this.file = Objects.requireNonNull(file, "file");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "no event file at " + file.toAbsolutePath() + "; pass the path of the CSV file");
        }
    }

    /** Taobao UserBehavior.csv (user,item,category,behaviour,epoch-seconds; pv becomes view). */
    public static CsvDataset taobao(Path file) {
        return new CsvDataset("taobao", file, ColumnMapping.TAOBAO_USER_BEHAVIOR);
    }

    @Override
    public String name() {
        return name;
    }

    public ColumnMapping mapping() {
        return mapping;
    }

    @Override
    public Stream<UserEvent> events() throws IOException {
        return TimeOrder.sorted(
                new DelimitedEventReader(file, mapping, ItemCatalog.empty(), DelimitedEventReader.EventIds.byLine(name))
                        .readInFileOrder());
    }

    @Override
    public List<UserProfile> profiles() {
        return List.of();
    }
}
