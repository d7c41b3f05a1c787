package io.tef.dispatcher;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dispatcher's view of the live workers: which task types each runs and whether it is busy.
 * Busy and idle are decided here, by the dispatcher's own assignments, so a worker is never
 * given two tasks at once whatever order status messages arrive in.
 */
final class WorkerPool {

  /** A worker's task while it runs another dispatcher's task: busy, but not for us. */
  static final String BUSY_ELSEWHERE = "(busy elsewhere)";

  /** One live worker instance; {@code guid} is its task, null when idle. */
  static final class Worker {
    final String name;
    final String instance;
    final List<String> taskTypes;
    /** It drops a task when told {@code abandon}; one that does not (TEF's own worker) is never sent it. */
    final boolean takesAbandon;
    String guid;
    /** The worker said it was idle while a dispatch to it was on its way: a refusal may be stale. */
    boolean idleHint;
    /**
     * The attempt TEF ended (stalled, cancelled) that this worker, not told to abandon it, still
     * runs: it is busy until its late result comes, it drops the task, or it is gone. Null: none.
     */
    String unheededGuid;
    int unheededAttempt;

    Worker(String name, String instance, List<String> taskTypes, boolean takesAbandon) {
      this.name = name;
      this.instance = instance;
      this.taskTypes = List.copyOf(taskTypes);
      this.takesAbandon = takesAbandon;
    }

    /** Whether this worker still runs that ended attempt, untold. */
    boolean stillRuns(String guid, int attempt) {
      return guid != null && guid.equals(unheededGuid) && attempt == unheededAttempt;
    }
  }

  private final Map<String, Worker> byName = new HashMap<>();
  /** Idle workers per task type, longest idle first. */
  private final Map<String, LinkedHashSet<String>> idle = new HashMap<>();

  Worker get(String name) {
    return byName.get(name);
  }

  /** Adds an idle worker. The caller has removed any older instance of the same name first. */
  Worker add(String name, String instance, List<String> taskTypes, boolean takesAbandon) {
    Worker w = new Worker(name, instance, taskTypes, takesAbandon);
    byName.put(name, w);
    markIdle(w);
    return w;
  }

  Worker remove(String name) {
    Worker w = byName.remove(name);
    if (w != null) {
      unmarkIdle(w);
    }
    return w;
  }

  /** The longest-idle worker for this task type, or null. */
  Worker firstIdle(String taskType) {
    Set<String> names = idle.get(taskType);
    return names == null || names.isEmpty() ? null : byName.get(names.iterator().next());
  }

  void assign(Worker w, String guid) {
    w.guid = guid;
    unmarkIdle(w);
  }

  void release(Worker w) {
    w.guid = null;
    if (byName.get(w.name) == w) {
      markIdle(w);
    }
  }

  int size() {
    return byName.size();
  }

  private void markIdle(Worker w) {
    for (String type : w.taskTypes) {
      idle.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(w.name);
    }
  }

  private void unmarkIdle(Worker w) {
    for (String type : w.taskTypes) {
      Set<String> names = idle.get(type);
      if (names != null) {
        names.remove(w.name);
        if (names.isEmpty()) {
          idle.remove(type);
        }
      }
    }
  }
}
