package com.infrafabric.deploy.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table for humans: a header and rows, columns padded to their widest cell. */
final class Table {

  private final List<List<String>> rows = new ArrayList<>();

  private Table(String... header) {
    rows.add(List.of(header));
  }

  static Table of(String... header) {
    return new Table(header);
  }

  /** Adds a row; {@code null} cells print as {@code -}. */
  Table row(Object... cells) {
    rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : String.valueOf(c)).toList());
    return this;
  }

  void print(PrintStream out) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(i == 0 ? "" : "  ");
        line.append(i == columns - 1 ? row.get(i) : pad(row.get(i), widths[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String pad(String cell, int width) {
    return cell + " ".repeat(width - cell.length());
  }
}
