package io.streamrec.model.data;

import io.streamrec.schemas.UserEvent;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The small dataset files under src/test/resources/datasets. */
final class Fixtures {

    private Fixtures() {}

    static Path path(String relative) {
        URL url = Fixtures.class.getResource("/datasets/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test fixture datasets/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<UserEvent> readAll(EventDataset dataset) throws IOException {
        try (Stream<UserEvent> events = dataset.events()) {
            return events.toList();
        }
    }
}
