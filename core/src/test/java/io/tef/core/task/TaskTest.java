package io.tef.core.task;

import io.tef.protocol.task.TaskDefaults;

import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TaskTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Task accepted() {
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("max_attempts", 2), TaskDefaults.TEF);
    return Task.accepted(e, "g", T0, "node-a", "node-a/1");
  }

  @Test
  void eachDispatchRaisesTheAttempt() {
    Task t = accepted().dispatched("w1", T0, "n");
    assertEquals(1, t.attempt());
    assertEquals(TaskState.DISPATCHED, t.state());
    assertEquals(2, t.requeued("n").dispatched("w2", T0, "n").attempt());
  }

  @Test
  void failuresRetryUntilMaxAttemptsThenFail() {
    Instant retryAt = T0.plusSeconds(1);
    Task first = accepted().dispatched("w", T0, "n").working(T0, "w").attemptFailed("boom", T0, retryAt, "w");
    assertEquals(TaskState.QUEUED, first.state());
    assertEquals(retryAt, first.runAt());
    assertEquals(1, first.failCount());
    Task second = first.dispatched("w", T0, "n").attemptFailed("boom again", T0, retryAt, "w");
    assertEquals(TaskState.FAILED, second.state());
    assertEquals("boom again", second.failReason());
    assertEquals(2, second.failCount());
  }

  @Test
  void storeDocumentUsesAgendaNamesAndRoundTrips() {
    Task t = accepted().dispatched("w", T0, "n").working(T0.plusSeconds(1), "w").completed(new JsonObject().put("ok", 1), T0.plusSeconds(2), "w");
    JsonObject doc = TaskJson.toDocument(t);
    assertEquals("echo", doc.getString("name"));
    assertEquals("g", doc.getString("guid"));
    assertEquals(TaskIds.hex("g"), doc.getJsonObject("_id").getString("$oid"), "an ObjectId derived from the guid");
    assertEquals(T0.plusSeconds(1).toString(), doc.getJsonObject("lastRunAt").getString("$date"));
    assertEquals(T0.plusSeconds(2).toString(), doc.getJsonObject("lastFinishedAt").getString("$date"));
    assertNull(doc.getValue("lockedAt"));
    assertEquals(t, TaskJson.fromDocument(doc));
  }

  @Test
  void agendaReadsEachStateAsTefMeansIt() {
    Instant retryAt = T0.plusSeconds(30);
    Task failedOnce = accepted().dispatched("w", T0, "n").attemptFailed("boom", T0.plusSeconds(1), retryAt, "w");
    JsonObject queued = TaskJson.toDocument(failedOnce);
    assertEquals(retryAt.toString(), queued.getJsonObject("nextRunAt").getString("$date"), "queued: a next run");
    assertEquals(false, queued.getBoolean("disabled"));
    JsonObject paused = TaskJson.toDocument(failedOnce.paused("n"));
    assertEquals(true, paused.getBoolean("disabled"), "paused: disabled, as Agenda pauses a job");
    assertNotNull(paused.getValue("nextRunAt"));
    Task cancelled = failedOnce.cancelled(T0.plusSeconds(5), "client");
    JsonObject doc = TaskJson.toDocument(cancelled);
    assertEquals(T0.plusSeconds(5).toString(), doc.getJsonObject("failedAt").getString("$date"), "cancelled reads as failed at its end");
    assertEquals("cancelled (boom)", doc.getString("failReason"));
    assertNull(doc.getValue("nextRunAt"));
    Task back = TaskJson.fromDocument(doc);
    assertEquals(cancelled, back, "the earlier failure's time and reason read back as they were");
    assertEquals("boom", back.failReason());
  }

  @Test
  void viewSpeaksTheEnvelopeSnakeCase() {
    JsonObject view = TaskJson.toView(accepted());
    assertEquals("echo", view.getString("task_type"));
    assertEquals("queued", view.getString("state"));
    assertEquals(T0.toString(), view.getString("created_at"));
    assertEquals(0, view.getInteger("fail_count"));
  }

  /** Fields kept under extra stay with the task through its transitions, in the store and in the view. */
  @Test
  void extraFieldsAreKeptInTheDocumentAndShownInTheView() {
    JsonObject extra = new JsonObject().put("data", "manager test suite").put("$odd", new JsonObject().put("a.b", 1));
    TaskEnvelope e = TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("extra", extra), TaskDefaults.TEF);
    Task done = Task.accepted(e, "g", T0, "n", "n/1").dispatched("w", T0, "n").completed(1, T0, "w");
    assertEquals(extra, TaskJson.fromDocument(TaskJson.toDocument(done)).extra());
    assertEquals(extra, TaskJson.toView(done).getJsonObject("extra"));
    assertNull(TaskJson.toView(accepted()).getValue("extra"));
  }
}
