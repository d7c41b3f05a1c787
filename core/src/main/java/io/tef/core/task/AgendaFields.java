package io.tef.core.task;

import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.function.Function;

/**
 * The fields of a task document that Agenda and Agendash read a job's state from, written so that
 * each TEF state reads as what TEF means by it. Agenda's state is computed, in this order: locked
 * ({@code lockedAt}) is running; failed at or after its last finish is failed; a repeat interval is
 * repeating; a next run in the future is scheduled, one now or past is queued; anything else
 * completed; {@code disabled} is paused. So a queued task has a {@code nextRunAt}, a dispatched or
 * working one a {@code lockedAt}, a paused one keeps its {@code nextRunAt} and is disabled (which
 * also keeps Agenda's own processors from locking it), and a cancelled one reads as failed: its
 * {@code failedAt} is its end and its {@code failReason} says it was cancelled, while what it had
 * before (a failed earlier attempt's time and reason) is kept under {@link #BEFORE_CANCEL} and read
 * back from there.
 */
final class AgendaFields {

  static final String BEFORE_CANCEL = "beforeCancel";
  static final String CANCELLED_REASON = "cancelled";

  private AgendaFields() {
  }

  /** Whether Agenda should see a next run: a task waiting to run (queued, or held by a paused suite). */
  static boolean waiting(Task t) {
    return t.state() == TaskState.QUEUED || t.state() == TaskState.PAUSED;
  }

  static Instant failedAt(Task t) {
    return t.state() == TaskState.CANCELLED ? t.finishedAt() : t.failedAt();
  }

  static String failReason(Task t) {
    if (t.state() == TaskState.CANCELLED) {
      return t.failReason() == null ? CANCELLED_REASON : CANCELLED_REASON + " (" + t.failReason() + ")";
    }
    return t.failReason();
  }

  /** What a cancelled task had in the two fields Agenda reads as its failure; nothing for any other state. */
  static JsonObject beforeCancel(Task t, Function<Instant, Object> date) {
    if (t.state() != TaskState.CANCELLED) {
      return null;
    }
    JsonObject before = new JsonObject();
    if (t.failedAt() != null) {
      before.put("failedAt", date.apply(t.failedAt()));
    }
    if (t.failReason() != null) {
      before.put("failReason", t.failReason());
    }
    return before;
  }

  /** The document to read {@code failedAt} from: a cancelled task's own, if it was written with one. */
  static JsonObject failedAtSource(TaskState state, JsonObject d) {
    return state == TaskState.CANCELLED && d.getValue(BEFORE_CANCEL) instanceof JsonObject before ? before : d;
  }

  static String failReason(TaskState state, JsonObject d) {
    return failedAtSource(state, d).getString("failReason");
  }
}
