package com.infrafabric.benchmarks.load;

import static com.infrafabric.benchmarks.load.LoadChart.BOTTOM;
import static com.infrafabric.benchmarks.load.LoadChart.HEIGHT;
import static com.infrafabric.benchmarks.load.LoadChart.LEFT;
import static com.infrafabric.benchmarks.load.LoadChart.RIGHT;
import static com.infrafabric.benchmarks.load.LoadChart.TOP;
import static com.infrafabric.benchmarks.load.LoadChart.WIDTH;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * A self-contained HTML page (inline SVG, no scripts) of a memory run: {@code used_memory} and
 * {@code used_memory_dataset} against time, the end of the warm-up and the level the README's
 * formula predicts, with the run's settings and verdict above it. Flat is a level line right of the
 * warm-up mark; a store that kept what it wrote would climb to the top.
 */
final class MemoryChart {

  private MemoryChart() {}

  static String html(MemoryResults results) {
    Machine m = results.machine();
    MemoryVerdict v = results.verdict();
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
        .append("<title>IF.governor Redis memory under load</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}</style></head><body>")
        .append("<h1>Redis memory under a long reserve + commit load</h1><p>")
        .append(LoadChart.escape(MemoryReport.settings(results.options())))
        .append(
            String.format(
                Locale.ROOT,
                ".</p><p>%d cores, %s, redis %s; load average %.2f before, %.2f after%s.</p>",
                m.cores(),
                LoadChart.escape(m.jdk()),
                LoadChart.escape(m.redis()),
                m.loadAverage(),
                results.loadAverageAfter(),
                results.options().smoke() ? "; SMOKE RUN, the figures mean nothing" : ""))
        .append(
            String.format(
                Locale.ROOT,
                "<p>After warm-up: slope %.3f MB/min (bound %.3f), max - min %.3f MB (bound %.3f):"
                    + " <b>%s</b>.</p>",
                v.slopeBytesPerMinute() / 1e6,
                v.slopeBound() / 1e6,
                v.spreadBytes() / 1e6,
                v.spreadBound() / 1e6,
                LoadChart.escape(
                    v.flat() ? "flat" : "not flat: " + String.join("; ", v.shortfalls()))));
    svg(page, results);
    return page.append("</body></html>\n").toString();
  }

  private static void svg(StringBuilder page, MemoryResults results) {
    List<MemorySample> series = results.series();
    double minutes = Math.max(series.get(series.size() - 1).minutes(), 1e-3);
    double predicted = results.empty().usedMemory() + results.predictedBytes();
    double top =
        1.1
            * Math.max(
                predicted, series.stream().mapToLong(MemorySample::usedMemory).max().orElse(1));
    Scale scale = new Scale(minutes, top);
    page.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
            WIDTH,
            HEIGHT));
    for (int i = 0; i <= 4; i++) {
      double bytes = top * i / 4;
      double t = minutes * i / 4;
      page.append(LoadChart.line(LEFT, scale.y(bytes), WIDTH - RIGHT, scale.y(bytes), "#ddd", ""))
          .append(
              LoadChart.text(
                  LEFT - 6,
                  scale.y(bytes) + 4,
                  "end",
                  String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)))
          .append(
              LoadChart.text(
                  scale.x(t),
                  HEIGHT - BOTTOM + 16,
                  "middle",
                  String.format(Locale.ROOT, "%.1f", t)));
    }
    page.append(
        LoadChart.text(
            (LEFT + WIDTH) / 2.0, HEIGHT - 10, "middle", "minutes since the load began"));
    double warm = scale.x(results.verdict().warmupMillis() / 60_000.0);
    page.append(LoadChart.line(warm, TOP, warm, HEIGHT - BOTTOM, "#888", "4 2"))
        .append(LoadChart.text(warm + 4, TOP + 12, "start", "end of warm-up"))
        .append(
            LoadChart.line(
                LEFT, scale.y(predicted), WIDTH - RIGHT, scale.y(predicted), "#c00", "6 3"))
        .append(
            LoadChart.text(
                WIDTH - RIGHT, scale.y(predicted) - 4, "end", "predicted by the README's formula"));
    series(page, series, scale, MemorySample::usedMemory, "#1f5fbf", "used_memory", 0);
    series(
        page, series, scale, MemorySample::usedMemoryDataset, "#2a9d3a", "used_memory_dataset", 1);
    page.append("</svg>");
  }

  private static void series(
      StringBuilder page,
      List<MemorySample> series,
      Scale scale,
      ToLongFunction<MemorySample> value,
      String colour,
      String name,
      int legendRow) {
    StringBuilder points = new StringBuilder();
    for (MemorySample s : series) {
      points.append(
          String.format(
              Locale.ROOT, "%.1f,%.1f ", scale.x(s.minutes()), scale.y(value.applyAsLong(s))));
    }
    page.append(
        String.format(
            Locale.ROOT,
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\">"
                + "<title>%s</title></polyline>",
            colour,
            points.toString().strip(),
            name));
    double legendY = TOP + 14 + 14 * legendRow;
    page.append(LoadChart.line(LEFT + 10, legendY - 4, LEFT + 40, legendY - 4, colour, ""))
        .append(LoadChart.text(LEFT + 46, legendY, "start", name));
  }

  /** From minutes and bytes to the chart's pixels. */
  private record Scale(double minutes, double topBytes) {
    double x(double t) {
      return LEFT + (WIDTH - LEFT - RIGHT) * t / minutes;
    }

    double y(double bytes) {
      return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * bytes / topBytes;
    }
  }
}
