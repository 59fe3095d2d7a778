package dev.callmesh.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with columns as wide as their widest cell; the last column is not padded. */
final class Table {

  private static final int MAX_CELL = 80;

  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  void row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String s = String.valueOf(cells[i]);
      r[i] = s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
    }
    rows.add(r);
  }

  void print() {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        sb.append(i == cols - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      sb.append('\n');
    }
    System.out.print(sb);
    System.out.flush();
  }
}
