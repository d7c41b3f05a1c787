package io.tef.core.store;

import io.tef.protocol.task.ResultPosition;
import io.tef.core.task.Task;
import io.tef.core.task.TaskQuery;
import io.vertx.core.Future;

import java.util.List;

/**
 * Where tasks are kept. Every operation the dispatch path uses addresses one task by its guid,
 * the only query the embedded store answers from an index.
 */
public interface TaskStore {

  /** Creates the indexes; call once before use. */
  Future<Void> start();

  /** Inserts a new task; when its guid exists already, nothing is written and the stored task comes back. */
  Future<InsertOutcome> insert(Task task);

  /** The task with this guid, or null. */
  Future<Task> find(String guid);

  /**
   * Writes the whole task over the stored one with the same guid, fenced by the attempt: the
   * write lands only when the stored task is not ahead of it, so a dispatcher whose knowledge of a
   * task is stale (it was taken over, its write came late) cannot undo a newer attempt.
   * <ul>
   *   <li>The stored attempt is lower: written. A "dispatched" write raises the attempt by one,
   *       so its stored predecessor is one less (or more, after an earlier write was lost).</li>
   *   <li>The same attempt: written unless the stored task has ended (completed, failed,
   *       cancelled); over an ended one only a queued write lands, a keyed resubmission reviving
   *       it (itself decided by a takeover insert, see {@code redefined}).</li>
   *   <li>The stored attempt is higher: refused.</li>
   * </ul>
   * A refused write writes nothing; the outcome says so and carries the stored task.
   */
  Future<SaveOutcome> save(Task task);

  /**
   * Writes these in as few round trips as the store allows and completes each write's promise
   * with its own outcome (one write failing fails only its promise). No two writes name the same
   * guid. A store without batches writes them one by one.
   */
  default void writeAll(java.util.List<TaskWrite> writes) {
    for (TaskWrite w : writes) {
      if (w instanceof TaskWrite.Insert i) {
        insert(i.task()).onComplete(i.done());
      } else if (w instanceof TaskWrite.Save s) {
        save(s.task()).onComplete(s.done());
      }
    }
  }

  /** Newest first, filtered. */
  Future<List<Task>> list(TaskQuery query);

  /** How many tasks of the suite are in each state (states with none are left out). */
  Future<java.util.Map<String, Long>> countByState(String suiteGuid);

  /**
   * Terminal tasks (completed, failed, cancelled) of these types that finished after
   * {@code after} (null: from the oldest), ordered by finish time then guid, at most
   * {@code limit}: what a keeper missed. Not on the dispatch path: the embedded store scans.
   */
  Future<List<Task>> finishedAfter(List<String> taskTypes, ResultPosition after, int limit);

  /** Every task not yet in a terminal state; read once when a dispatcher starts. */
  Future<List<Task>> unfinished();

  Future<Void> close();
}
