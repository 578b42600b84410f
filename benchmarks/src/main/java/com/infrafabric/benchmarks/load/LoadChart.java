package com.infrafabric.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page (inline SVG, no scripts, no external files) of a run's sweep: admitted
 * p50, p99 and p99.9 against the offered rate for the charge and the claim path, on a log scale,
 * with the 10 ms line and the maximum sustainable rate marked, and a table of what was shed at each
 * rate. The knee is where the lines leave the floor.
 */
final class LoadChart {

  /** The frame every chart of the harness draws in, in pixels: its size and its plot's margins. */
  static final int WIDTH = 760;

  static final int HEIGHT = 420;
  static final int LEFT = 60;
  static final int RIGHT = 20;
  static final int TOP = 20;
  static final int BOTTOM = 50;

  private static final double MIN_MS = 0.1;
  private static final double MAX_MS = 1000;
  private static final String[] PERCENTILES = {"p50", "p99", "p99.9"};
  private static final String[] DASHES = {"", "6 3", "2 3"};

  private LoadChart() {}

  /** The chart's file next to the results file {@code json}: same name, {@code .html}. */
  static Path besides(Path json) {
    String name = json.getFileName().toString().replaceFirst("\\.json$", "");
    return json.resolveSibling(name + ".html");
  }

  /** Writes the page {@code html} to {@code file}. */
  static void write(String html, Path file) {
    try {
      Files.writeString(file, html);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String html(LoadResults results) {
    Machine m = results.machine();
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
        .append("<title>IF.governor latency against offered rate</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;")
        .append("text-align:right}</style></head><body>")
        .append("<h1>Admitted latency against offered rate</h1>")
        .append(
            String.format(
                Locale.ROOT,
                "<p>%d cores, %s, redis %s; load average %.2f before the run, other processes"
                    + " used %.0f%% of the CPU during it (%.0f%% steal)%s. Maximum sustainable"
                    + " rate %d/s.</p>",
                m.cores(),
                escape(m.jdk()),
                escape(m.redis()),
                m.loadAverage(),
                100 * Math.max(0, m.othersCpuShare()),
                100 * Math.max(0, m.stealShare()),
                results.options().smoke() ? "; SMOKE RUN, the figures mean nothing" : "",
                results.search().maxRate()));
    svg(page, results);
    table(page, "reserve + commit", results.chargeSweep());
    table(
        page,
        "claim + finish, " + results.options().claimAgents() + " agents",
        results.claimSweep());
    return page.append("</body></html>\n").toString();
  }

  private static void svg(StringBuilder page, LoadResults results) {
    double maxRate =
        results.chargeSweep().stream().mapToDouble(PhaseResult::offeredPerSecond).max().orElse(1);
    page.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
            WIDTH,
            HEIGHT));
    for (double ms = MIN_MS; ms <= MAX_MS; ms *= 10) {
      double y = y(ms);
      page.append(line(LEFT, y, WIDTH - RIGHT, y, "#ddd", ""))
          .append(text(LEFT - 6, y + 4, "end", format(ms) + " ms"));
    }
    page.append(line(LEFT, y(10), WIDTH - RIGHT, y(10), "#c00", "4 2"))
        .append(text(WIDTH - RIGHT, y(10) - 4, "end", "10 ms"));
    double knee = x(results.search().maxRate(), maxRate);
    page.append(line(knee, TOP, knee, HEIGHT - BOTTOM, "#888", "4 2"))
        .append(text(knee + 4, TOP + 12, "start", "max sustainable"));
    for (int i = 0; i <= 4; i++) {
      double rate = maxRate * i / 4;
      page.append(text(x(rate, maxRate), HEIGHT - BOTTOM + 16, "middle", format(rate)));
    }
    page.append(text((LEFT + WIDTH) / 2.0, HEIGHT - 10, "middle", "offered operations per second"));
    series(page, results.chargeSweep(), maxRate, "#1f5fbf", "charge");
    series(page, results.claimSweep(), maxRate, "#2a9d3a", "claim");
    page.append("</svg>");
  }

  private static void series(
      StringBuilder page, List<PhaseResult> sweep, double maxRate, String colour, String name) {
    List<ToDoubleFunction<Latency>> readers =
        List.of(Latency::p50Millis, Latency::p99Millis, Latency::p999Millis);
    for (int p = 0; p < readers.size(); p++) {
      StringBuilder points = new StringBuilder();
      for (PhaseResult phase : sweep) {
        double ms = Math.max(MIN_MS, readers.get(p).applyAsDouble(phase.latency()));
        points.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x(phase.offeredPerSecond(), maxRate), y(ms)));
      }
      page.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\""
                  + " points=\"%s\"><title>%s %s</title></polyline>",
              colour,
              DASHES[p],
              points.toString().strip(),
              name,
              PERCENTILES[p]));
      double legendY = TOP + 14 + 14 * (p + (name.equals("charge") ? 0 : 3));
      page.append(line(LEFT + 10, legendY - 4, LEFT + 40, legendY - 4, colour, DASHES[p]))
          .append(text(LEFT + 46, legendY, "start", name + " " + PERCENTILES[p]));
    }
  }

  private static void table(StringBuilder page, String title, List<PhaseResult> sweep) {
    page.append("<h2>")
        .append(escape(title))
        .append("</h2><table><tr>")
        .append("<th>offered/s</th><th>achieved/s</th><th>p50 ms</th><th>p99 ms</th>")
        .append("<th>p99.9 ms</th><th>shed</th><th>shed p99 ms</th><th>failed</th></tr>");
    for (PhaseResult p : sweep) {
      page.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%d</td><td>%.0f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%d</td>"
                  + "<td>%.3f</td><td>%d</td></tr>",
              p.offeredPerSecond(),
              p.achievedPerSecond(),
              p.latency().p50Millis(),
              p.latency().p99Millis(),
              p.latency().p999Millis(),
              p.rejected(),
              p.rejections().p99Millis(),
              p.failed()));
    }
    page.append("</table>");
  }

  private static double x(double rate, double maxRate) {
    return LEFT + (WIDTH - LEFT - RIGHT) * rate / maxRate;
  }

  private static double y(double ms) {
    double share = Math.log10(ms / MIN_MS) / Math.log10(MAX_MS / MIN_MS);
    return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * Math.min(1, Math.max(0, share));
  }

  static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
            + " stroke-dasharray=\"%s\"/>",
        x1,
        y1,
        x2,
        y2,
        colour,
        dash);
  }

  static String text(double x, double y, String anchor, String text) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"%s\">%s</text>",
        x,
        y,
        anchor,
        escape(text));
  }

  static String format(double value) {
    return value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.valueOf(value);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
