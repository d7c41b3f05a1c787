package io.tef.core.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A gauge per combination of label values, fed by snapshots: each source (a dispatcher instance,
 * the collective) hands in its current values now and then, on its own thread; a scrape reads the
 * sum (or the largest) over the sources. A series once seen stays, at 0 when no source has it, so
 * a queue that empties reads 0 rather than vanishing.
 */
public final class GaugeFamily {

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String unit;
  private final List<String> labels;
  private final boolean max;
  private final Map<String, Map<List<String>, Double>> bySource = new ConcurrentHashMap<>();
  private final Map<List<String>, Boolean> registered = new ConcurrentHashMap<>();

  GaugeFamily(MeterRegistry registry, String name, String description, String unit, boolean max, String... labels) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.unit = unit;
    this.max = max;
    this.labels = List.of(labels);
  }

  /** This source's values now, by label values (in the order of the family's labels); replaces its last snapshot. */
  public void update(String source, Map<List<String>, Double> values) {
    bySource.put(source, Map.copyOf(values));
    values.keySet().forEach(this::register);
  }

  /** The source is gone (a dispatcher stopped): its values no longer count. */
  public void remove(String source) {
    bySource.remove(source);
  }

  private void register(List<String> values) {
    if (registered.putIfAbsent(values, Boolean.TRUE) != null) {
      return;
    }
    Tags tags = Tags.empty();
    for (int i = 0; i < labels.size(); i++) {
      tags = tags.and(labels.get(i), values.get(i));
    }
    Gauge.builder(name, this, f -> f.value(values)).description(description).baseUnit(unit).tags(tags).register(registry);
  }

  double value(List<String> key) {
    double v = 0;
    for (Map<List<String>, Double> snapshot : bySource.values()) {
      Double d = snapshot.get(key);
      if (d != null) {
        v = max ? Math.max(v, d) : v + d;
      }
    }
    return v;
  }
}
