package io.streamrec.model.data;

import io.streamrec.schemas.EventType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;

/**
 * How the rows of a delimited event file map onto {@code UserEvent} fields: which column holds
 * the user, the item, the time (and its unit), the event type, the item's side information; plus
 * the file's shape (header, delimiter, quoting, charset).
 *
 * <p>Build one with {@link #builder()}, or from command-line style options with {@link #fromOptions(Map)}.
 * Optional columns are null when the file does not have them.
 *
 * @param eventType        null: every row has {@code defaultEventType}
 * @param defaultEventType canonical wire name used when there is no event-type column
 * @param eventId          null: ids are derived from the row (see {@link DelimitedEventReader})
 */
public record ColumnMapping(
        Column user,
        Column item,
        Column time,
        TimeUnit timeUnit,
        Column eventType,
        String defaultEventType,
        Column leafCategory,
        Column category,
        Column shop,
        Column brand,
        Column session,
        Column weight,
        Column eventId,
        boolean header,
        String delimiter,
        boolean quoted,
        Charset charset) {

    private static final Set<TimeUnit> TIME_UNITS = Set.of(TimeUnit.SECONDS, TimeUnit.MILLISECONDS);

    /** Taobao UserBehavior: user,item,category,behaviour,epoch-seconds with no header; behaviour pv/fav/cart/buy. */
    public static final ColumnMapping TAOBAO_USER_BEHAVIOR = builder()
            .user(Column.at(0))
            .item(Column.at(1))
            .category(Column.at(2))
            .eventType(Column.at(3))
            .time(Column.at(4), TimeUnit.SECONDS)
            .header(false)
            .build();

    public ColumnMapping {
        require(user, "user");
        require(item, "item");
        require(time, "time");
        if (!TIME_UNITS.contains(timeUnit)) {
            throw new IllegalArgumentException("time unit must be seconds or milliseconds, got " + timeUnit);
        }
        if (eventType == null) {
            String given = defaultEventType;
            defaultEventType = EventType.parse(given)
                    .orElseThrow(
                            () -> new IllegalArgumentException("without an event-type column a default event type is"
                                    + " needed, one of view, click, rate, fav, cart, buy; got '" + given + "'"))
                    .wireName();
        }
        if (delimiter == null || delimiter.isEmpty()) {
            throw new IllegalArgumentException("the delimiter must not be empty (e.g. ',' or '::' or '\\t')");
        }
        if (!header) {
            for (Column c : new Column[] {
                user, item, time, eventType, leafCategory, category, shop, brand, session, weight, eventId
            }) {
                if (c != null && c.isNamed()) {
                    throw new IllegalArgumentException("column " + c + " is given by name but header=false; "
                            + "give its zero-based position or set header=true");
                }
            }
        }
        if (charset == null) {
            charset = StandardCharsets.UTF_8;
        }
    }

    private static void require(Column c, String role) {
        if (c == null) {
            throw new IllegalArgumentException("the column mapping needs a '" + role + "' column");
        }
    }

    /** The commons-csv format that reads this file's rows (the header, if any, is consumed, not returned). */
    CSVFormat csvFormat() {
        return csvFormat(delimiter, quoted, header);
    }

    static CSVFormat csvFormat(String delimiter, boolean quoted, boolean header) {
        CSVFormat.Builder b = CSVFormat.DEFAULT
                .builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(true)
                .setTrim(true);
        if (!quoted) {
            b.setQuote(null);
        }
        if (header) {
            b.setHeader().setSkipHeaderRecord(true);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a mapping from option pairs as given on a command line: {@code user}, {@code item},
     * {@code time} (required; a zero-based position or a header name), {@code time-unit}
     * (s|ms, default s), {@code type} or {@code default-type} (default view), {@code leaf-category},
     * {@code category}, {@code shop}, {@code brand}, {@code session}, {@code weight}, {@code event-id},
     * {@code header} (true|false, default true), {@code delimiter} (default ',', {@code \t} for tab),
     * {@code quoted} (default true), {@code charset} (default UTF-8).
     */
    public static ColumnMapping fromOptions(Map<String, String> options) {
        Map<String, String> o = new HashMap<>(options);
        Builder b = builder();
        b.user(column(o, "user", true)).item(column(o, "item", true));
        b.time(column(o, "time", true), timeUnit(o.remove("time-unit")));
        b.eventType(column(o, "type", false));
        String defaultType = o.remove("default-type");
        if (defaultType != null) {
            b.defaultEventType(defaultType);
        }
        b.leafCategory(column(o, "leaf-category", false))
                .category(column(o, "category", false))
                .shop(column(o, "shop", false))
                .brand(column(o, "brand", false))
                .session(column(o, "session", false))
                .weight(column(o, "weight", false))
                .eventId(column(o, "event-id", false));
        b.header(bool(o.remove("header"), "header", true));
        String delimiter = o.remove("delimiter");
        if (delimiter != null) {
            b.delimiter(delimiter.equals("\\t") || delimiter.equalsIgnoreCase("tab") ? "\t" : delimiter);
        }
        b.quoted(bool(o.remove("quoted"), "quoted", true));
        String charset = o.remove("charset");
        if (charset != null) {
            b.charset(Charset.forName(charset));
        }
        if (!o.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown CSV mapping option(s) " + o.keySet() + "; known: user, item, time,"
                            + " time-unit, type, default-type, leaf-category, category, shop, brand, session, weight, event-id,"
                            + " header, delimiter, quoted, charset");
        }
        return b.build();
    }

    private static Column column(Map<String, String> o, String key, boolean required) {
        String v = o.remove(key);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("the CSV mapping needs '" + key + "=<position or header name>'");
            }
            return null;
        }
        return Column.parse(v);
    }

    private static TimeUnit timeUnit(String v) {
        if (v == null) {
            return TimeUnit.SECONDS;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "s":
            case "sec":
            case "seconds":
                return TimeUnit.SECONDS;
            case "ms":
            case "millis":
            case "milliseconds":
                return TimeUnit.MILLISECONDS;
            default:
                throw new IllegalArgumentException(
                        "time-unit must be 's' (epoch seconds) or 'ms' (epoch milliseconds), got '" + v + "'");
        }
    }

    private static boolean bool(String v, String key, boolean dflt) {
        if (v == null) {
            return dflt;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no")) {
            return false;
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }

    /** Fluent construction; unset optional columns stay absent. */
    public static final class Builder {
        private Column user;
        private Column item;
        private Column time;
        private TimeUnit timeUnit = TimeUnit.SECONDS;
        private Column eventType;
        private String defaultEventType = EventType.VIEW.wireName();
        private Column leafCategory;
        private Column category;
        private Column shop;
        private Column brand;
        private Column session;
        private Column weight;
        private Column eventId;
        private boolean header = true;
        private String delimiter = ",";
        private boolean quoted = true;
        private Charset charset = StandardCharsets.UTF_8;

        private Builder() {}

        public Builder user(Column c) {
            user = c;
            return this;
        }

        public Builder item(Column c) {
            item = c;
            return this;
        }

        public Builder time(Column c, TimeUnit unit) {
            time = c;
            timeUnit = unit;
            return this;
        }

        public Builder eventType(Column c) {
            eventType = c;
            return this;
        }

        public Builder defaultEventType(String type) {
            defaultEventType = type;
            return this;
        }

        public Builder leafCategory(Column c) {
            leafCategory = c;
            return this;
        }

        public Builder category(Column c) {
            category = c;
            return this;
        }

        public Builder shop(Column c) {
            shop = c;
            return this;
        }

        public Builder brand(Column c) {
            brand = c;
            return this;
        }

        public Builder session(Column c) {
            session = c;
            return this;
        }

        public Builder weight(Column c) {
            weight = c;
            return this;
        }

        public Builder eventId(Column c) {
            eventId = c;
            return this;
        }

        public Builder header(boolean h) {
            header = h;
            return this;
        }

        public Builder delimiter(String d) {
            delimiter = d;
            return this;
        }

        public Builder quoted(boolean q) {
            quoted = q;
            return this;
        }

        public Builder charset(Charset c) {
            charset = c;
            return this;
        }

        public ColumnMapping build() {
            return new ColumnMapping(
                    user,
                    item,
                    time,
                    timeUnit,
                    eventType,
                    defaultEventType,
                    leafCategory,
                    category,
                    shop,
                    brand,
                    session,
                    weight,
                    eventId,
                    header,
                    delimiter,
                    quoted,
                    charset);
        }
    }
}
