package io.tef.core.task;

import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.task.Repeat;
import io.tef.protocol.task.RunAt;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One task, as the store keeps it. Immutable: every state change is a method that returns the
 * next value, so each transition is named and testable. {@code extra}: the fields of a TEF envelope
 * that TEF does not read, kept as they came (null when there were none).
 */
public record Task(
    String guid,
    String taskType,
    int priority,
    List<String> resources,
    int timeLimit,
    int maxAttempts,
    Object data,
    String suiteGuid,
    TaskState state,
    int attempt,
    String worker,
    int progress,
    Object result,
    int failCount,
    int lostCount,
    String failReason,
    Instant createdAt,
    Instant runAt,
    Instant lockedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant failedAt,
    String lastModifiedBy,
    List<JsonObject> logs,
    Repeat repeat,
    String owner,
    JsonObject extra,
    String attemptToken) {

  /** Log lines kept per task; older lines are dropped first. */
  public static final int MAX_LOGS = 100;

  public Task {
    resources = resources == null ? List.of() : List.copyOf(resources);
    logs = logs == null ? List.of() : List.copyOf(logs);
  }

  /** The dispatcher instance that answers for the task: it dispatches it and records its ends. */
  public Task withOwner(String dispatcher) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        state, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, lastModifiedBy, logs, repeat, dispatcher, extra, attemptToken);
  }

  /** A freshly accepted task: queued, attempt 0, due at its run_at (now when none was given). */
  public static Task accepted(TaskEnvelope e, String guid, Instant now, String acceptedBy, String owner) {
    return new Task(guid, e.taskType(), e.priority(), e.resources(), e.timeLimit(), e.maxAttempts(),
        e.taskData(), e.suiteGuid(), TaskState.QUEUED, 0, null, 0, null, 0, 0, null,
        now, RunAt.parse(e.runAt(), now, "run_at").truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null, null, null, acceptedBy, List.of(), e.repeat(), owner, e.extra(), null);
  }

  /**
   * Given to a worker: the attempt number goes up and fences every older attempt, and a fresh
   * {@link AttemptToken} goes with the dispatch only, so a report counts only from whoever received it.
   */
  public Task dispatched(String workerName, Instant now, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.DISPATCHED, attempt + 1, workerName, 0, null, failCount, lostCount, failReason,
        createdAt, runAt, now, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, AttemptToken.next());
  }

  public Task working(Instant now, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.WORKING, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, now, now, finishedAt, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  public Task completed(Object taskResult, Instant now, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.COMPLETED, attempt, worker, 100, taskResult, failCount, lostCount, failReason,
        createdAt, runAt, null, startedAt, now, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  /** A failed attempt: counted, and either retried at {@code retryAt} or failed for good. */
  public Task attemptFailed(String reason, Instant now, Instant retryAt, String by) {
    boolean last = failCount + 1 >= maxAttempts;
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        last ? TaskState.FAILED : TaskState.QUEUED, attempt, worker, progress, null, failCount + 1, lostCount, reason,
        createdAt, last ? runAt : retryAt, null, startedAt, now, now, by, attemptEnded(now, "failed", reason), repeat, owner, extra, attemptToken);
  }

  /**
   * The running attempt was lost with its worker (silent, removed, replaced): it counts toward
   * max_attempts like a failure. Queued again at once in its old place (no backoff: the task did
   * not fail), or failed for good when it was the last attempt it may have.
   */
  public Task attemptLost(String reason, Instant now, String by) {
    boolean last = failCount + 1 >= maxAttempts;
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        last ? TaskState.FAILED : TaskState.QUEUED, attempt, last ? worker : null, last ? progress : 0, null, failCount + 1, lostCount + 1, reason,
        createdAt, runAt, null, startedAt, last ? now : finishedAt, now, by, attemptEnded(now, "lost", reason), repeat, owner, extra, attemptToken);
  }

  /**
   * The logs with a line of TEF's own saying how an attempt ended, so a task's history shows
   * each attempt, its worker and its outcome (the document keeps only the last attempt's fields).
   */
  private List<JsonObject> attemptEnded(Instant now, String outcome, String reason) {
    return withLog(new JsonObject().put("at", IsoInstants.format(now)).put("attempt", attempt).put("level", "warn").put("source", "tef")
        .put("worker", worker).put("outcome", outcome)
        .put("message", "attempt " + attempt + (worker == null ? "" : " on " + worker) + " " + outcome + (reason == null ? "" : ": " + reason))).logs;
  }

  /** A progress report, clamped to 0..100. */
  public Task withProgress(int percent) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        state, attempt, worker, Math.max(0, Math.min(100, percent)), result, failCount, lostCount, failReason,
        createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, lastModifiedBy, logs, repeat, owner, extra, attemptToken);
  }

  /** A log line from the worker; only the newest {@link #MAX_LOGS} are kept. */
  public Task withLog(JsonObject line) {
    List<JsonObject> next = new ArrayList<>(logs.size() < MAX_LOGS ? logs : logs.subList(logs.size() - MAX_LOGS + 1, logs.size()));
    next.add(line);
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        state, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, lastModifiedBy, next, repeat, owner, extra, attemptToken);
  }

  /** Held with its suite: not dispatched until the suite is made ready again. */
  public Task paused(String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.PAUSED, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  /** Cancelled by a client: terminal, whatever state it was in. */
  public Task cancelled(Instant now, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.CANCELLED, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, null, startedAt, now, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  /**
   * A repeating task's run has ended: the same document waits for its next run. The run's
   * result, reason and times stay readable until then; failures count again from zero.
   */
  public Task nextRun(Instant next, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.QUEUED, attempt, null, 0, result, 0, 0, failReason,
        createdAt, next, null, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  /**
   * A second submission under the same unique key: its definition replaces this one's. A task
   * that had ended runs again; one waiting or running keeps its state.
   */
  public Task redefined(TaskEnvelope e, Instant runAt, String by) {
    boolean again = state.terminal();
    return new Task(guid, e.taskType(), e.priority(), e.resources(), e.timeLimit(), e.maxAttempts(), e.taskData(), e.suiteGuid(),
        again ? TaskState.QUEUED : state, attempt, again ? null : worker, again ? 0 : progress, again ? null : result,
        again ? 0 : failCount, again ? 0 : lostCount, failReason, createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, by, logs, e.repeat(), owner, e.extra(), null);
  }

  /**
   * Queued again by hand ("retry now") after it failed or was cancelled: a new attempt at its next
   * dispatch, its failures counted from zero again, due now; its last reason stays readable.
   */
  public Task retriedByHand(Instant now, String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.QUEUED, attempt, null, 0, null, 0, 0, failReason,
        createdAt, now, null, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, null);
  }

  /** The same task with another priority (changed by hand while it waits). */
  public Task withPriority(int newPriority, String by) {
    return new Task(guid, taskType, newPriority, resources, timeLimit, maxAttempts, data, suiteGuid,
        state, attempt, worker, progress, result, failCount, lostCount, failReason,
        createdAt, runAt, lockedAt, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }

  /** Back in the queue without counting a failure: its worker went away or the node restarted. */
  public Task requeued(String by) {
    return new Task(guid, taskType, priority, resources, timeLimit, maxAttempts, data, suiteGuid,
        TaskState.QUEUED, attempt, null, 0, null, failCount, lostCount, failReason,
        createdAt, runAt, null, startedAt, finishedAt, failedAt, by, logs, repeat, owner, extra, attemptToken);
  }
}
