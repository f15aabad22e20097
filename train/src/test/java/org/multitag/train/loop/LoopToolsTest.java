package org.multitag.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training curve PNG, the metrics log and the progress line. */
class LoopToolsTest {

    @Test
    void curveIsAReadablePngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        List<TrainingCurve.LossPoint> loss = new ArrayList<>();
        for (int s = 1; s <= 200; s++) {
            loss.add(new TrainingCurve.LossPoint(s, 0.7 * Math.exp(-s / 60.0) + 0.05));
        }
        List<TrainingCurve.DevPoint> dev = List.of(new TrainingCurve.DevPoint(100, 0.61),
                new TrainingCurve.DevPoint(200, 0.83));
        Path png = dir.resolve("curve.png");
        TrainingCurve.write(png, "test run", loss, dev, 640, 400);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        // the chart is not blank: more than two distinct colours
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < 640; x += 7) {
            for (int y = 0; y < 400; y += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 2, "colours " + colours.size());
    }

    @Test
    void metricsLogAppendsReadsAndTruncatesOnResume(@TempDir Path dir) throws Exception {
        MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
        for (int s = 1; s <= 5; s++) {
            log.append(log.event("step", s).put("loss", 1.0 / s));
        }
        log.append(log.event("dev", 5).put("micro_f1", 0.5));
        assertEquals(6, log.read().size());
        log.truncateAfter(3);
        List<com.fasterxml.jackson.databind.node.ObjectNode> back = log.read();
        assertEquals(3, back.size());
        assertEquals(3, back.get(2).get("step").asLong());
        assertEquals(1.0 / 3, back.get(2).get("loss").asDouble(), 0);
    }

    @Test
    void progressLinesShowStepLossThroughputAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, 4, false, 0, 2, 0);
        for (int s = 1; s <= 4; s++) {
            bar.step(s, 0.5, 1000);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, bytes.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].matches("\\[#{12}\\.{12}] step 2/4 loss 0\\.5000 [0-9,]+ tok/s ETA \\d+s"), lines[0]);
        assertTrue(lines[1].startsWith("[########################] step 4/4"), lines[1]);
        assertEquals("1h01m", ProgressBar.duration(3660));
        assertEquals("2m05s", ProgressBar.duration(125));
    }
}
