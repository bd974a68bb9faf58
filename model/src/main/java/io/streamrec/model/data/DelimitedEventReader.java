package io.streamrec.model.data;

import io.streamrec.schemas.EventType;
import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the rows of one delimited file into {@link UserEvent}s, in file order, following a
 * {@link ColumnMapping}. A bad row stops the read with a {@link DatasetFormatException} naming the
 * line and the column.
 */
final class DelimitedEventReader {

    /** How an event gets its id when the file has no event-id column. */
    @FunctionalInterface
    interface EventIds {
        String of(String userId, String itemId, long line);

        /** Unique per row of a file: {@code <source>-L<line>}. */
        static EventIds byLine(String source) {
            return (user, item, line) -> source + "-L" + line;
        }
    }

    private final Path file;
    private final ColumnMapping mapping;
    private final ItemCatalog catalog;
    private final EventIds ids;

    DelimitedEventReader(Path file, ColumnMapping mapping, ItemCatalog catalog, EventIds ids) {
        this.file = file;
        this.mapping = mapping;
        this.catalog = catalog;
        this.ids = ids;
    }

    /** The file's events in file order; the caller closes the stream, which closes the file. */
    Stream<UserEvent> readInFileOrder() throws IOException {
        Reader reader = Files.newBufferedReader(file, mapping.charset());
        CSVParser parser;
        try {
            parser = mapping.csvFormat().parse(reader);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        RowDecoder decoder = new RowDecoder(mapping.header() ? parser.getHeaderNames() : null);
        return parser.stream()
                .map(record -> catalog.enrich(decoder.decode(record, parser.getCurrentLineNumber())))
                .onClose(() -> {
                    try {
                        parser.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** The mapping with its named columns resolved against this file's header. */
    private final class RowDecoder {
        private final int user;
        private final int item;
        private final int time;
        private final int eventType;
        private final int leafCategory;
        private final int category;
        private final int shop;
        private final int brand;
        private final int session;
        private final int weight;
        private final int eventId;

        RowDecoder(List<String> header) {
            user = mapping.user().resolve(header);
            item = mapping.item().resolve(header);
            time = mapping.time().resolve(header);
            eventType = resolveOptional(mapping.eventType(), header);
            leafCategory = resolveOptional(mapping.leafCategory(), header);
            category = resolveOptional(mapping.category(), header);
            shop = resolveOptional(mapping.shop(), header);
            brand = resolveOptional(mapping.brand(), header);
            session = resolveOptional(mapping.session(), header);
            weight = resolveOptional(mapping.weight(), header);
            eventId = resolveOptional(mapping.eventId(), header);
        }

        private int resolveOptional(Column c, List<String> header) {
            return c == null ? -1 : c.resolve(header);
        }

        UserEvent decode(CSVRecord row, long line) {
            String userId = required(row, line, user, mapping.user(), "user");
            String itemId = required(row, line, item, mapping.item(), "item");
            String rawTime = required(row, line, time, mapping.time(), "time");
            long timestamp;
            try {
                timestamp = mapping.timeUnit().toMillis(Long.parseLong(rawTime));
            } catch (NumberFormatException e) {
                throw DatasetFormatException.badValue(
                        file,
                        line,
                        mapping.time(),
                        "time",
                        rawTime,
                        "is not a whole number of " + mapping.timeUnit().name().toLowerCase());
            }
            String type = mapping.defaultEventType();
            if (eventType >= 0) {
                String raw = required(row, line, eventType, mapping.eventType(), "event type");
                type = EventType.parse(raw)
                        .map(EventType::wireName)
                        .orElseThrow(
                                () -> DatasetFormatException.badValue(
                                        file,
                                        line,
                                        mapping.eventType(),
                                        "event type",
                                        raw,
                                        "is not a known event type (view, click, rate, fav, cart, buy, or an alias such as pv)"));
            }
            Double w = null;
            String rawWeight = optional(row, line, weight, mapping.weight(), "weight");
            if (rawWeight != null) {
                try {
                    w = Double.parseDouble(rawWeight);
                } catch (NumberFormatException e) {
                    w = Double.NaN;
                }
                if (!Double.isFinite(w) || w < 0) {
                    throw DatasetFormatException.badValue(
                            file, line, mapping.weight(), "weight", rawWeight, "is not a finite non-negative number");
                }
            }
            String id = optional(row, line, eventId, mapping.eventId(), "event id");
            return UserEvent.newBuilder()
                    .setEventId(id != null ? id : ids.of(userId, itemId, line))
                    .setUserId(userId)
                    .setItemId(itemId)
                    .setEventType(type)
                    .setTimestamp(timestamp)
                    .setSessionId(optional(row, line, session, mapping.session(), "session"))
                    .setLeafCategoryId(optional(row, line, leafCategory, mapping.leafCategory(), "leaf category"))
                    .setCategoryId(optional(row, line, category, mapping.category(), "category"))
                    .setShopId(optional(row, line, shop, mapping.shop(), "shop"))
                    .setBrandId(optional(row, line, brand, mapping.brand(), "brand"))
                    .setWeight(w)
                    .build();
        }

        private String required(CSVRecord row, long line, int index, Column column, String role) {
            String v = optional(row, line, index, column, role);
            if (v == null) {
                throw DatasetFormatException.badValue(file, line, column, role, "", "is empty but required");
            }
            return v;
        }

        private String optional(CSVRecord row, long line, int index, Column column, String role) {
            if (index < 0) {
                return null;
            }
            if (index >= row.size()) {
                throw new DatasetFormatException(String.format(
                        "%s line %d has %d column(s) but the %s column is %s; fix the row or the column mapping",
                        file.getFileName(), line, row.size(), role, column));
            }
            String v = row.get(index);
            return v.isEmpty() ? null : v;
        }
    }
}
