package io.tef.dispatcher;

import io.tef.core.task.Task;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The due tasks waiting for a worker, one queue per task type: higher priority first, equal
 * priority in the order they became due (submission, or the run time they were given), so a task
 * queued again after its worker was lost goes back to its old place, not behind later arrivals.
 * Held in memory so that no dispatch scans the store.
 */
final class TaskQueue {

  /** A queued task, when it became due (epoch ms) and its place among tasks due the same millisecond. */
  record Entry(Task task, long due, long seq) {
  }

  static final Comparator<Entry> ORDER = Comparator
      .comparingInt((Entry e) -> -e.task().priority())
      .thenComparingLong(Entry::due)
      .thenComparingLong(Entry::seq);

  private final Map<String, PriorityQueue<Entry>> byType = new HashMap<>();
  private long nextSeq;
  private int size;

  void add(Task task) {
    byType.computeIfAbsent(task.taskType(), t -> new PriorityQueue<>(ORDER)).add(new Entry(task, dueSince(task), nextSeq++));
    size++;
  }

  /** A retry is due when its backoff ends; a task that lost its worker keeps its run time, so its place. */
  static long dueSince(Task t) {
    long created = t.createdAt() == null ? 0 : t.createdAt().toEpochMilli();
    return t.runAt() == null ? created : Math.max(created, t.runAt().toEpochMilli());
  }

  /** Puts an entry back in its old place in the order (a task that waited for a resource). */
  void readd(Entry entry) {
    byType.computeIfAbsent(entry.task().taskType(), t -> new PriorityQueue<>(ORDER)).add(entry);
    size++;
  }

  /**
   * The queued task again, with what changed (its priority): same due time and sequence, so
   * only the changed field moves it. False when it is not in the queue (parked, or timed).
   */
  boolean replace(Task task) {
    PriorityQueue<Entry> q = byType.get(task.taskType());
    if (q == null) {
      return false;
    }
    for (Entry e : q) {
      if (e.task().guid().equals(task.guid())) {
        q.remove(e);
        q.add(new Entry(task, e.due(), e.seq()));
        return true;
      }
    }
    return false;
  }

  /** The next task of this type, without taking it. */
  Entry peek(String taskType) {
    PriorityQueue<Entry> q = byType.get(taskType);
    return q == null ? null : q.peek();
  }

  Entry poll(String taskType) {
    PriorityQueue<Entry> q = byType.get(taskType);
    Entry e = q == null ? null : q.poll();
    if (e != null) {
      size--;
      if (q.isEmpty()) {
        byType.remove(taskType);
      }
    }
    return e;
  }

  /** Takes a task out wherever it stands (a cancel); linear, and rare. */
  boolean remove(String guid, String taskType) {
    PriorityQueue<Entry> q = byType.get(taskType);
    if (q != null && q.removeIf(e -> e.task().guid().equals(guid))) {
      size--;
      if (q.isEmpty()) {
        byType.remove(taskType);
      }
      return true;
    }
    return false;
  }

  /** The task types that have queued tasks. */
  java.util.Set<String> types() {
    return java.util.Set.copyOf(byType.keySet());
  }

  /** For each task type: how many are queued, and since when (epoch ms) the longest-waiting has been due. A walk of the whole queue. */
  Map<String, long[]> depthAndOldest() {
    Map<String, long[]> out = new HashMap<>();
    byType.forEach((type, q) -> {
      long oldest = Long.MAX_VALUE;
      for (Entry e : q) {
        oldest = Math.min(oldest, e.due());
      }
      out.put(type, new long[] {q.size(), oldest});
    });
    return out;
  }

  void clear() {
    byType.clear();
    size = 0;
  }

  /** Which of these entries goes first. */
  static boolean before(Entry a, Entry b) {
    return ORDER.compare(a, b) < 0;
  }

  int size() {
    return size;
  }
}
