package io.tef.dispatcher;

import io.tef.protocol.worker.TaskReport;
import io.tef.protocol.worker.WorkerPresence.Cause;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every attempt counts: which losses count, what they say, and when the task ends. */
class LostAttemptsTest {

  private static final Instant T0 = Instant.parse("2030-01-01T09:00:00Z");

  private static Task working(int maxAttempts, String worker) {
    Task t = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "t").put("max_attempts", maxAttempts), TaskDefaults.TEF),
        "g1", T0, "test", "d1");
    return t.dispatched(worker, T0, "test").working(T0, "test");
  }

  @Test
  void aLostAttemptCountsAndTheTaskIsQueuedAgainInItsPlace() {
    Task lost = LostAttempts.afterLoss(working(3, "w1"), Cause.SILENT, T0.plusSeconds(10), "test");
    assertEquals(TaskState.QUEUED, lost.state());
    assertEquals(1, lost.failCount());
    assertEquals(1, lost.lostCount());
    assertEquals("worker w1 went silent during attempt 1", lost.failReason());
    assertEquals(T0, lost.runAt(), "no backoff: it keeps its place");
    assertNull(lost.worker());
  }

  @Test
  void theLastAttemptLostEndsTheTaskFailedSayingWhatHappened() {
    Task t = working(2, "w1");
    t = LostAttempts.afterLoss(t, Cause.REMOVED, T0, "test").dispatched("w2", T0, "test").working(T0, "test");
    Task failed = LostAttempts.afterLoss(t, Cause.SILENT, T0.plusSeconds(5), "test");
    assertEquals(TaskState.FAILED, failed.state());
    assertEquals(2, failed.failCount());
    assertEquals(2, failed.lostCount());
    assertEquals("w2", failed.worker());
    assertEquals("worker w2 went silent during attempt 2: the last of max_attempts 2 (2 attempts lost with their worker)", failed.failReason());
  }

  @Test
  void aHandBackARefusalOrAnAttemptNotYetStartedDoesNotCount() {
    assertNull(LostAttempts.afterLoss(working(3, "w1"), Cause.OFFLINE, T0, "test"), "a worker that stops hands its task back");
    assertNull(LostAttempts.afterLoss(working(3, "w1"), Cause.DECLINED, T0, "test"), "idle before it said working");
    assertNull(LostAttempts.afterLoss(working(3, "w1"), null, T0, "test"), "no cause: not a loss (it did not take the task)");
    Task dispatched = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "t"), TaskDefaults.TEF), "g2", T0, "test", "d1")
        .dispatched("w1", T0, "test");
    assertNull(LostAttempts.afterLoss(dispatched, Cause.SILENT, T0, "test"), "never taken: not an attempt that ran");
    assertTrue(LostAttempts.counts(Cause.REPLACED) && LostAttempts.counts(Cause.DROPPED));
  }

  @Test
  void aLateReportOfAnAttemptTefEndedIsGoneOnlyForItsOwnWorker() {
    EndedAttempts ended = new EndedAttempts();
    ended.ended(working(3, "w1"), "cancelled");
    assertEquals("cancelled", ended.find(TaskReport.completed("g1", 1, "w1", null, "late")).how());
    assertNull(ended.find(TaskReport.completed("g1", 1, "intruder", null, "forged")), "another worker's report is a plain stale one");
    assertNull(ended.find(TaskReport.completed("g1", 2, "w1", null, "late")));
    assertEquals(410, EndedAttempts.gone(TaskReport.completed("g1", 1, "w1", null, "late"), ended.find(TaskReport.completed("g1", 1, "w1", null, "x"))).status());
  }
}
