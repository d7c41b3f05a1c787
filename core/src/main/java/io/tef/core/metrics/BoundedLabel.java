package io.tef.core.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one label may take: the first {@code max} distinct ones keep their name, every later
 * one is {@value #OTHER}. Task types come from clients; without a bound, a client inventing a type
 * per task would grow the series (and the scrape) without end.
 */
public final class BoundedLabel {

  public static final String OTHER = "other";

  private final int max;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  public BoundedLabel(int max) {
    this.max = max;
  }

  public String of(String value) {
    if (value == null || value.isEmpty()) {
      return "none";
    }
    if (kept.contains(value)) {
      return value;
    }
    synchronized (kept) {
      if (kept.size() < max) {
        kept.add(value);
        return value;
      }
    }
    return OTHER;
  }
}
