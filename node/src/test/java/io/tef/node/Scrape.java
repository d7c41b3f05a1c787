package io.tef.node;

import java.util.HashMap;
import java.util.Map;

/** A Prometheus text-format scrape read into series (name with its labels, as written) and values. */
final class Scrape {

  private final Map<String, Double> series = new HashMap<>();
  private final String text;

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  static Scrape of(Http http) throws Exception {
    var r = http.get("/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return new Scrape(r.bodyAsString());
  }

  /** The series' value, 0 when absent (a counter not yet moved). */
  double value(String nameAndLabels) {
    return series.getOrDefault(nameAndLabels, 0.0);
  }

  boolean has(String nameAndLabels) {
    return series.containsKey(nameAndLabels);
  }

  /** Distinct values of a label over every series of this name. */
  java.util.Set<String> labelValues(String name, String label) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*\\b" + label + "=\"([^\"]*)\"").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  String text() {
    return text;
  }
}
