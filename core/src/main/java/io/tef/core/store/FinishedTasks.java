package io.tef.core.store;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.List;

/**
 * Finished tasks as retention sees them (the dispatcher's sweeper): found by age, counted, and
 * removed by guid. A removal names the guids it read and is filtered again by a finished state, so
 * a task revived meanwhile (queued again by a keyed submission) is never removed.
 */
public interface FinishedTasks {

  /**
   * Guids of tasks that ended in {@code state} before {@code before}, in no set order; of the types in
   * {@code onlyTypes} when it is not null, else of any type not in {@code exceptTypes}.
   */
  Future<List<String>> endedBefore(String state, Instant before, List<String> onlyTypes, List<String> exceptTypes, int limit);

  /** How many tasks are finished (completed, failed, cancelled). */
  Future<Long> count();

  /** The finished tasks that ended first, oldest first. */
  Future<List<Ended>> oldest(int limit);

  /** A finished task as the cap sees it. */
  record Ended(String guid, String taskType, Instant finishedAt) {
  }

  /** Removes those of these tasks that are still finished; answers how many went. */
  Future<Long> remove(List<String> guids);
}
