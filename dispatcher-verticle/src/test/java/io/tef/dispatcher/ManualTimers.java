package io.tef.dispatcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Timers that fire only when a test says so: no event loop, no waiting. */
final class ManualTimers implements Timers {

  record Armed(long delayMs, Runnable action) {
  }

  private final Map<Long, Armed> pending = new LinkedHashMap<>();
  private long nextId = 1;
  int cancelled;

  @Override
  public long set(long delayMs, Runnable action) {
    long id = nextId++;
    pending.put(id, new Armed(delayMs, action));
    return id;
  }

  @Override
  public void cancel(long id) {
    if (pending.remove(id) != null) {
      cancelled++;
    }
  }

  int pending() {
    return pending.size();
  }

  List<Long> delays() {
    return pending.values().stream().map(Armed::delayMs).toList();
  }

  /** Fires every pending timer, in the order they were set (timers they set stay pending). */
  void fireAll() {
    for (Long id : List.copyOf(pending.keySet())) {
      Armed a = pending.remove(id);
      if (a != null) {
        a.action().run();
      }
    }
  }
}
