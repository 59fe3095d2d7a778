package dev.callmesh.it;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in the Prometheus text format, read back by series: name and exact label set. */
final class PromText {

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;

  PromText(String text) {
    this.text = text;
  }

  /**
   * @param name the series name as exported, e.g. {@code callmesh_calls_total}
   * @param labels all of its labels
   * @return its value, or NaN when there is no such series
   */
  double value(String name, Map<String, String> labels) {
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String lineName = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      if (!lineName.equals(name)) {
        continue;
      }
      Map<String, String> lineLabels = new HashMap<>();
      if (brace >= 0 && brace < space) {
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}', space)));
        while (m.find()) {
          lineLabels.put(m.group(1), m.group(2));
        }
      }
      if (lineLabels.equals(labels)) {
        return number(line.substring(space + 1).trim());
      }
    }
    return Double.NaN;
  }

  /** @return the sum over every series of the name, whatever its labels; 0 when there is none */
  double sum(String name) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        total += number(line.substring(line.lastIndexOf(' ') + 1).trim());
      }
    }
    return total;
  }

  private static double number(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }
}
