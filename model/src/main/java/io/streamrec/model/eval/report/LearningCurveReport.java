package io.streamrec.model.eval.report;

import io.streamrec.model.eval.ProtocolResult.CurvePoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A learning-curve report in a folder: per model, a PNG of the prequential HR@50 along the stream for the model
 * and both baselines scored on the same examples, a PNG of the fraction trained and the training loss, and an
 * {@code index.html} that shows them under the run's figures. Written by {@code streamrec evaluate --report} and
 * {@code streamrec run --report}; the figures themselves come from the caller.
 */
public final class LearningCurveReport {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;

    private final String title;
    private final String xLabel;
    private final Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
    private final List<String> sections = new ArrayList<>();

    /**
     * @param title  the page's title
     * @param xLabel what the curves' x values count (e.g. "examples" or "events consumed")
     */
    public LearningCurveReport(String title, String xLabel) {
        this.title = title;
        this.xLabel = xLabel;
    }

    /** Adds one model's curve (its HR@50 beside popularity's and ItemCF's, the fraction trained and the loss). */
    public LearningCurveReport curve(String model, List<CurvePoint> points) {
        if (!points.isEmpty()) {
            curves.put(model, List.copyOf(points));
        }
        return this;
    }

    /** Adds a section of preformatted text (a results table, a summary) under a heading. */
    public LearningCurveReport text(String heading, String body) {
        sections.add("<h2>" + escape(heading) + "</h2>\n<pre>" + escape(body) + "</pre>");
        return this;
    }

    /** Writes the PNGs and {@code index.html} into {@code folder} (created when missing); returns the page. */
    public Path writeTo(Path folder) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Files.createDirectories(folder);
        StringBuilder figures = new StringBuilder();
        for (Map.Entry<String, List<CurvePoint>> e : curves.entrySet()) {
            String stem = fileStem(e.getKey());
            String hitRate = stem + "-hit-rate.png";
            String training = stem + "-training.png";
            ChartUtils.saveChartAsPNG(
                    folder.resolve(hitRate).toFile(), hitRateChart(e.getKey(), e.getValue()), WIDTH, HEIGHT);
            ChartUtils.saveChartAsPNG(
                    folder.resolve(training).toFile(), trainingChart(e.getKey(), e.getValue()), WIDTH, HEIGHT);
            figures.append("<h2>")
                    .append(escape(e.getKey()))
                    .append("</h2>\n<img src=\"")
                    .append(hitRate)
                    .append("\" alt=\"prequential HR@50 of ")
                    .append(escape(e.getKey()))
                    .append(", popularity and ItemCF\">\n<img src=\"")
                    .append(training)
                    .append("\" alt=\"fraction trained and loss of ")
                    .append(escape(e.getKey()))
                    .append("\">\n");
        }
        Path page = folder.resolve("index.html");
        try (Writer out = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
            out.write(
                    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
                            + "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:960px}"
                            + "pre{background:#f6f6f6;padding:1em;overflow-x:auto}img{max-width:100%}</style></head>\n<body>\n");
            out.write("<h1>" + escape(title) + "</h1>\n");
            out.write("<p>Prequential: every example is ranked by the model and both baselines before any of them"
                    + " learns it; hit rates are rolling means over the last scored examples.</p>\n");
            out.write(figures.toString());
            for (String section : sections) {
                out.write(section);
                out.write("\n");
            }
            out.write("</body></html>\n");
        }
        return page;
    }

    private JFreeChart hitRateChart(String model, List<CurvePoint> points) {
        XYSeries modelSeries = new XYSeries(model);
        XYSeries popularity = new XYSeries("popularity (recent)");
        XYSeries itemCf = new XYSeries("ItemCF (online)");
        for (CurvePoint p : points) {
            add(modelSeries, p.examples(), p.modelHr50());
            add(popularity, p.examples(), p.popularityHr50());
            add(itemCf, p.examples(), p.itemCfHr50());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(modelSeries);
        data.addSeries(popularity);
        data.addSeries(itemCf);
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Prequential HR@50: " + model, xLabel, "HR@50", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart.getXYPlot(), new Color[] {new Color(0x1f77b4), new Color(0x7f7f7f), new Color(0xff7f0e)});
        return chart;
    }

    private JFreeChart trainingChart(String model, List<CurvePoint> points) {
        XYSeries fraction = new XYSeries("fraction trained");
        XYSeries loss = new XYSeries("loss");
        for (CurvePoint p : points) {
            add(fraction, p.examples(), p.fractionTrained());
            add(loss, p.examples(), p.loss());
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Training: " + model,
                xLabel,
                "fraction trained",
                new XYSeriesCollection(fraction),
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        XYPlot plot = chart.getXYPlot();
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.05);
        plot.setRangeAxis(1, new NumberAxis("loss"));
        plot.setDataset(1, new XYSeriesCollection(loss));
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, new XYLineAndShapeRenderer(true, false));
        style(plot, new Color[] {new Color(0x2ca02c)});
        plot.getRenderer(1).setSeriesPaint(0, new Color(0xd62728));
        plot.getRenderer(1).setSeriesStroke(0, new BasicStroke(2f));
        return chart;
    }

    private static void style(XYPlot plot, Color[] colours) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int s = 0; s < colours.length; s++) {
            renderer.setSeriesPaint(s, colours[s]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
    }

    private static void add(XYSeries series, double x, double y) {
        if (Double.isFinite(y)) {
            series.add(x, y);
        }
    }

    private static String fileStem(String name) {
        String stem = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return stem.isEmpty() ? "model" : stem;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
