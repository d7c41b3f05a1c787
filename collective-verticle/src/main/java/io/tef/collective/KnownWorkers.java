package io.tef.collective;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The collective's shared state: every worker it knows by name (live ones and loaded records)
 * and its own id. Event loop only, so no locks.
 */
final class KnownWorkers {

  /** This collective's id: its own address, and the {@code by} of its events, so that it skips its own. */
  private final String self = UUID.randomUUID().toString();
  private final Map<String, WorkerEntry> byName = new LinkedHashMap<>();

  String self() {
    return self;
  }

  WorkerEntry get(String name) {
    return byName.get(name);
  }

  void add(WorkerEntry w) {
    byName.put(w.name, w);
  }

  void remove(String name) {
    byName.remove(name);
  }

  /** In the order first known, as queries and the stop's flush see them. */
  Collection<WorkerEntry> all() {
    return byName.values();
  }

  int size() {
    return byName.size();
  }

  /** No collective named (none took the watch) or this one: it checks the worker's silence and announces it. */
  boolean watchesHere(WorkerEntry w) {
    return w.watcher == null || self.equals(w.watcher);
  }

  /** Millisecond precision, as the record keeps it. */
  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
