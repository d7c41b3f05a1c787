package io.tef.dispatcher;

import io.tef.core.task.Task;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live tasks by task type and state, counted as {@link LiveTasks} changes them: the metrics'
 * timer and the state query read the counts instead of walking every live task on the loop (a
 * million queued tasks took that walk every refresh).
 */
final class StateCounts {

  private final Map<String, Map<String, int[]>> byType = new HashMap<>();

  void add(Task t) {
    byType.computeIfAbsent(t.taskType(), k -> new HashMap<>()).computeIfAbsent(t.state().wire(), k -> new int[1])[0]++;
  }

  void subtract(Task t) {
    Map<String, int[]> states = byType.get(t.taskType());
    int[] n = states == null ? null : states.get(t.state().wire());
    if (n == null) {
      return;
    }
    if (--n[0] == 0) {
      states.remove(t.state().wire());
      if (states.isEmpty()) {
        byType.remove(t.taskType());
      }
    }
  }

  void clear() {
    byType.clear();
  }

  /** {@code {type: {state: n}}}, types and states in order, only those with a task. */
  Map<String, Map<String, Integer>> snapshot() {
    Map<String, Map<String, Integer>> out = new TreeMap<>();
    byType.forEach((type, states) -> {
      Map<String, Integer> counts = new TreeMap<>();
      states.forEach((state, n) -> counts.put(state, n[0]));
      out.put(type, counts);
    });
    return out;
  }
}
