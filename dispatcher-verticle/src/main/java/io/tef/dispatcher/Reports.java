package io.tef.dispatcher;

import io.tef.core.task.AttemptToken;
import io.tef.core.task.Task;
import io.tef.protocol.DispatcherState;
import io.tef.protocol.ValidationException;
import io.tef.protocol.json.IsoInstants;
import io.tef.protocol.json.JsonLimits;
import io.tef.protocol.task.TaskState;
import io.tef.protocol.worker.TaskReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A worker's reports. Anything but the current attempt of a running task is refused and not
 * recorded: this is the fence that makes completion exactly-once. Starts, progress and log lines
 * are written sparingly (start_write_delay_ms, one note write a second).
 */
final class Reports {

  private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
  private static final long NOTE_SAVE_MS = 1000;

  private final LiveTasks live;
  private final StoreWriter writer;
  private final Endings endings;
  private final Stalls stalls;
  private final Abandons abandons;
  private final EndedAttempts ended;
  private final Forwarding forwarding;
  private final RetryBackoff backoff;
  private final JsonLimits limits;
  /** dispatcher.start_write_delay_ms: how long a task runs before its start is written. */
  private final long startWriteDelayMs;
  private final Supplier<DispatcherState> state;
  private final io.tef.core.metrics.TaskMetrics metrics;
  private final java.util.concurrent.atomic.LongAdder forged = new java.util.concurrent.atomic.LongAdder();
  private long lastForgedLog;

  Reports(LiveTasks live, StoreWriter writer, Endings endings, Stalls stalls, Abandons abandons, EndedAttempts ended, Forwarding forwarding,
          RetryBackoff backoff, JsonLimits limits, long startWriteDelayMs, Supplier<DispatcherState> state,
          io.tef.core.metrics.TaskMetrics metrics) {
    this.metrics = metrics;
    this.live = live;
    this.writer = writer;
    this.endings = endings;
    this.stalls = stalls;
    this.abandons = abandons;
    this.ended = ended;
    this.forwarding = forwarding;
    this.backoff = backoff;
    this.limits = limits;
    this.startWriteDelayMs = startWriteDelayMs;
    this.state = state;
  }

  Future<JsonObject> report(TaskReport r, boolean forwarded) {
    Task t = live.get(r.guid());
    if (!runs(t, r)) {
      abandons.lateReport(r);
      EndedAttempts.Ended gone = ended.find(r);
      if (gone != null) {
        throw EndedAttempts.gone(r, gone);
      }
    }
    if (t == null && !forwarded) {
      return forwarding.report(r, () -> report(r, true));
    }
    if (!runs(t, r)) {
      throw new ValidationException(409, "attempt", "refused: task " + r.guid() + " attempt " + r.attempt()
          + " by " + r.worker() + " is not a running attempt" + (t == null ? "" : " (task is " + t.state().wire() + ", attempt " + t.attempt() + ")"));
    }
    if (!AttemptToken.matches(t.attemptToken(), r.token())) {
      throw forged(r);
    }
    if (state.get() == DispatcherState.STOPPED && (r.kind() == TaskReport.Kind.COMPLETED || r.kind() == TaskReport.Kind.FAILED)) {
      throw new ValidationException(503, "state", "the dispatcher is stopped and records no endings until it runs again; report again later");
    }
    Instant now = live.now();
    return switch (r.kind()) {
      case WORKING -> {
        started(t, r.worker());
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case PROGRESS -> {
        note(t.withProgress(r.progress()));
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case LOG -> {
        note(t.withLog(new JsonObject().put("at", IsoInstants.format(now)).put("attempt", r.attempt())
            .put("level", r.level()).put("message", r.message())));
        yield Future.succeededFuture(new JsonObject().put("recorded", true));
      }
      case COMPLETED -> {
        String refused = refusedResult(r.result());
        if (refused == null) {
          yield endings.finish(t.completed(r.result(), now, r.worker()));
        }
        // A result no store can keep must not leave the task running: the attempt fails, saying why.
        yield endings.failed(t.attemptFailed(refused, now, now.plus(backoff.after(t.failCount() + 1)), r.worker()));
      }
      case FAILED -> endings.failed(t.attemptFailed(r.reason(), now, now.plus(backoff.after(t.failCount() + 1)), r.worker()));
    };
  }

  /**
   * A report naming the running attempt and its worker but not the attempt's token: whoever sent
   * it read the task (REST, a broker account) but was not given it. Refused, counted, and logged at
   * most once a second, since a forger controls how often.
   */
  private ValidationException forged(TaskReport r) {
    forged.increment();
    long now = System.currentTimeMillis();
    if (now - lastForgedLog >= 1000) {
      lastForgedLog = now;
      LOG.warn("Refused a {} report of task {} attempt {} as {}: {} (forged reports so far: {})", r.kind().name().toLowerCase(java.util.Locale.ROOT),
          r.guid(), r.attempt(), r.worker(), r.token() == null ? "it carries no attempt_token" : "its attempt_token is not the attempt's", forged.sum());
    }
    return new ValidationException(403, TaskReport.TOKEN, "refused: a report of task " + r.guid() + " attempt " + r.attempt()
        + " counts only with the attempt_token its dispatch carried" + (r.token() == null ? " (none was sent)" : ""));
  }

  /** Reports refused for a missing or wrong attempt_token. */
  long forgedReports() {
    return forged.sum();
  }

  /** Whether the report names the running attempt of the task and the worker it was given to: the fence. */
  private static boolean runs(Task t, TaskReport r) {
    return t != null && t.attempt() == r.attempt() && r.worker().equals(t.worker())
        && (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING);
  }

  /** Why a worker's result cannot be kept (the message limits), or null when it can. */
  private String refusedResult(Object result) {
    try {
      limits.check(result, "result");
      return null;
    } catch (ValidationException e) {
      return "the result was refused: " + e.field() + " " + e.getMessage();
    }
  }

  /**
   * The worker has the task: dispatched becomes working, and this is the one write between
   * accepting and finishing. It records the attempt (the fencing token) and the worker, so both
   * survive a restart. A second "working" for the same attempt writes nothing.
   */
  void started(Task t, String by) {
    if (t.state() != TaskState.DISPATCHED) {
      return;
    }
    Task working = t.working(live.now(), by);
    metrics.started(t.taskType(), java.time.Duration.ofMillis(working.startedAt().toEpochMilli() - TaskQueue.dueSince(t)));
    live.put(working);
    TaskLog.at(org.slf4j.event.Level.DEBUG, working, live.nodeName()).log("Task {} started on {}", working.guid(), by);
    stalls.arm(working);
    if (startWriteDelayMs == 0) {
      writer.save(working);
      return;
    }
    // Written only once it has run a moment: a task that ends sooner costs no start write, its
    // end write carries the start. A crash within the delay leaves the task queued in the
    // store, as a crash between dispatch and the worker's reply always did: it runs again.
    live.arm(LiveTasks.Timer.START_SAVE, working.guid(), startWriteDelayMs,
        () -> saveStart(working.guid(), working.attempt(), !live.armed(LiveTasks.Timer.NOTE_SAVE, working.guid())));
  }

  /** Writes the start of the attempt if it still runs and no progress save is about to write it anyway. */
  private void saveStart(String guid, int attempt, boolean noNoteDue) {
    Task now = live.get(guid);
    if (now != null && now.state() == TaskState.WORKING && now.attempt() == attempt && noNoteDue) {
      writer.save(now);
    }
  }

  /**
   * Progress and log lines change the task in memory at once and reach the store at most once
   * per {@link #NOTE_SAVE_MS} per task (a chatty worker costs one write a second, not one a
   * line); the task's final write carries them all in any case.
   */
  private void note(Task t) {
    live.put(t);
    if (!live.armed(LiveTasks.Timer.NOTE_SAVE, t.guid())) {
      live.arm(LiveTasks.Timer.NOTE_SAVE, t.guid(), NOTE_SAVE_MS, () -> {
        Task current = live.get(t.guid());
        if (current != null) {
          writer.save(current);
        }
      });
    }
  }

  /** A graceful stop writes every start and note still pending: the task is adopted after, not run again. */
  void flush() {
    Set<String> starts = live.armed(LiveTasks.Timer.START_SAVE);
    Set<String> notes = live.armed(LiveTasks.Timer.NOTE_SAVE);
    live.cancelAllTimers();
    starts.forEach(guid -> {
      Task t = live.get(guid);
      if (t != null) {
        saveStart(guid, t.attempt(), !notes.contains(guid));
      }
    });
    notes.forEach(guid -> {
      Task t = live.get(guid);
      if (t != null) {
        writer.save(t); // keep the last progress and log lines of a graceful stop
      }
    });
  }
}
