package io.streamrec.flink.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trainer's periodic progress lines in the TaskManagers' logs, as a timeline of its cumulative counts: how many
 * examples it saw and how many it trained. Between two instants it tells whether the trainer kept up or sampled,
 * which the soak reports for a burst (the vector path must not wait for the trainer).
 */
final class TrainerProgress {

    private static final Pattern LINE =
            Pattern.compile("^(\\d{2}:\\d{2}:\\d{2},\\d{3}) .* seen (\\d+) trained (\\d+) \\(");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss,SSS");
    private static final int DAY_SEC = 86_400;

    /** Cumulative counts at {@code atSec} seconds after the instant the timeline is measured from. */
    record Point(double atSec, long seen, long trained) {}

    /** Examples seen and trained per second over {@code [fromSec, toSec]}, as far as the progress lines resolve it. */
    record Window(double fromSec, double toSec, double seenPerSec, double trainedPerSec) {
        double trainedShare() {
            return seenPerSec == 0 ? 1 : trainedPerSec / seenPerSec;
        }
    }

    private final List<Point> points;

    private TrainerProgress(List<Point> points) {
        this.points = points;
    }

    /** The progress lines of {@code logs} that exist, in time order, timed from the wall-clock instant {@code zero}. */
    static TrainerProgress read(List<Path> logs, LocalTime zero) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            if (Files.exists(log)) {
                lines.addAll(Files.readAllLines(log, StandardCharsets.UTF_8));
            }
        }
        return parse(lines, zero);
    }

    static TrainerProgress parse(List<String> lines, LocalTime zero) {
        List<Point> points = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                points.add(new Point(
                        secondsAfter(zero, LocalTime.parse(m.group(1), CLOCK)),
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3))));
            }
        }
        points.sort(Comparator.comparingDouble(Point::atSec));
        return new TrainerProgress(List.copyOf(points));
    }

    /** The logs carry the time of day only; a run is far shorter than a day, so the nearest reading wins. */
    private static double secondsAfter(LocalTime zero, LocalTime clock) {
        double sec = (clock.toNanoOfDay() - zero.toNanoOfDay()) / 1e9;
        if (sec < -DAY_SEC / 2.0) {
            sec += DAY_SEC;
        } else if (sec > DAY_SEC / 2.0) {
            sec -= DAY_SEC;
        }
        return sec;
    }

    List<Point> points() {
        return points;
    }

    /**
     * The rates between the last line at or before {@code fromSec} (the first line when none is) and the last line at
     * or before {@code toSec}; empty when the lines do not span any time in that window.
     */
    Optional<Window> between(double fromSec, double toSec) {
        Point start = null;
        Point end = null;
        for (Point p : points) {
            if (p.atSec() <= fromSec || start == null) {
                start = p;
            }
            if (p.atSec() <= toSec) {
                end = p;
            }
        }
        if (start == null || end == null || end.atSec() <= start.atSec()) {
            return Optional.empty();
        }
        double span = end.atSec() - start.atSec();
        return Optional.of(new Window(
                start.atSec(),
                end.atSec(),
                (end.seen() - start.seen()) / span,
                (end.trained() - start.trained()) / span));
    }

    /**
     * The share trained over the whole run, from the newest line (examples still in the mixing buffer count as not
     * trained, so at a few thousand examples it stays well below 1 even when none was skipped); -1 without lines.
     */
    double fractionTrained() {
        if (points.isEmpty()) {
            return -1;
        }
        Point last = points.get(points.size() - 1);
        return last.seen() == 0 ? 1 : (double) last.trained() / last.seen();
    }
}
