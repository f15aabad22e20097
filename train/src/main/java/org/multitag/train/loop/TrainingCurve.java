package org.multitag.train.loop;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.multitag.core.AtomicFiles;

/**
 * The training curve as a PNG (JFreeChart): training loss over steps on the left axis, dev micro-F1 at each
 * evaluation on the right axis. Rendered headless.
 */
final class TrainingCurve {

    /** One point of the loss curve. */
    public record LossPoint(long step, double loss) {}

    /** One dev evaluation. */
    public record DevPoint(long step, double microF1) {}

    private TrainingCurve() {}

    /** Writes the chart to {@code file} atomically. */
    public static void write(Path file, String title, List<LossPoint> loss, List<DevPoint> dev, int width,
            int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries lossSeries = new XYSeries("training loss");
        loss.forEach(p -> lossSeries.add(p.step(), p.loss()));
        XYSeries f1Series = new XYSeries("dev micro-F1");
        dev.forEach(p -> f1Series.add(p.step(), p.microF1()));

        NumberAxis steps = new NumberAxis("step");
        NumberAxis lossAxis = new NumberAxis("BCE loss");
        lossAxis.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, false);
        lossRenderer.setSeriesPaint(0, new Color(0x1f77b4));
        lossRenderer.setSeriesStroke(0, new BasicStroke(1.2f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(lossSeries), steps, lossAxis, lossRenderer);

        NumberAxis f1Axis = new NumberAxis("dev micro-F1");
        f1Axis.setRange(0, 1);
        plot.setRangeAxis(1, f1Axis);
        plot.setDataset(1, new XYSeriesCollection(f1Series));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer f1Renderer = new XYLineAndShapeRenderer(true, true);
        f1Renderer.setSeriesPaint(0, new Color(0xd62728));
        f1Renderer.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(1, f1Renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage image = chart.createBufferedImage(width, height);
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }
}
