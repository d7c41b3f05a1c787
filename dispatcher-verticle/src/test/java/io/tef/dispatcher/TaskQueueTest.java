package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TaskQueueTest {

  private static Task task(String guid, String type, int priority) {
    return Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", type).put("priority", priority), TaskDefaults.TEF),
        guid, Instant.EPOCH, "test", "d1");
  }

  @Test
  void higherPriorityFirstThenSubmissionOrder() {
    TaskQueue q = new TaskQueue();
    q.add(task("a", "t", 1));
    q.add(task("b", "t", 5));
    q.add(task("c", "t", 1));
    q.add(task("d", "t", 5));
    q.add(task("e", "t", -3));
    List<String> out = new ArrayList<>();
    TaskQueue.Entry e;
    while ((e = q.poll("t")) != null) {
      out.add(e.task().guid());
    }
    assertEquals(List.of("b", "d", "a", "c", "e"), out);
    assertEquals(0, q.size());
  }

  /** A priority changed by hand moves only that task: among equals it keeps its turn, and the size is unchanged. */
  @Test
  void aChangedPriorityMovesTheTaskAndKeepsItsTurnAmongEquals() {
    TaskQueue q = new TaskQueue();
    for (String guid : List.of("a", "b", "c", "d")) {
      q.add(task(guid, "t", 1));
    }
    q.add(task("high", "t", 5));
    assertEquals(true, q.replace(task("c", "t", 5).withPriority(5, "n")), "c is in the queue");
    assertEquals(false, q.replace(task("none", "t", 9)), "not queued: nothing to move");
    assertEquals(false, q.replace(task("x", "other", 9)), "no queue of that type");
    assertEquals(5, q.size());
    List<String> out = new ArrayList<>();
    TaskQueue.Entry e;
    while ((e = q.poll("t")) != null) {
      out.add(e.task().guid());
    }
    // c was submitted before "high": at equal priority it keeps its earlier turn.
    assertEquals(List.of("c", "high", "a", "b", "d"), out);
  }

  private static Task at(String guid, long createdMs) {
    return Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "t"), TaskDefaults.TEF),
        guid, Instant.ofEpochMilli(createdMs), "test", "d1");
  }

  /** A crash costs detection time, not a queue's length: a requeued task goes back before later arrivals. */
  @Test
  void aTaskQueuedAgainAfterItsWorkerWasLostKeepsItsPlace() {
    TaskQueue q = new TaskQueue();
    Task first = at("first", 1000);
    q.add(first);
    Task running = q.poll("t").task().dispatched("w1", Instant.ofEpochMilli(2000), "n");
    q.add(at("later-1", 3000));
    q.add(at("later-2", 4000));
    q.add(running.requeued("n")); // its worker was lost at 5000
    assertEquals("first", q.poll("t").task().guid());
    assertEquals("later-1", q.poll("t").task().guid());
  }

  /** A retry waits its backoff, then queues by the time it became due again. */
  @Test
  void aRetryQueuesByTheTimeItsBackoffEnded() {
    TaskQueue q = new TaskQueue();
    Task failed = at("retry", 1000).dispatched("w1", Instant.ofEpochMilli(1500), "n")
        .attemptFailed("boom", Instant.ofEpochMilli(2000), Instant.ofEpochMilli(6000), "w1");
    q.add(at("earlier", 5000));
    q.add(failed);
    q.add(at("after", 7000));
    assertEquals("earlier", q.poll("t").task().guid());
    assertEquals("retry", q.poll("t").task().guid());
  }

  @Test
  void typesAreSeparateQueues() {
    TaskQueue q = new TaskQueue();
    q.add(task("x", "mail", 1));
    q.add(task("y", "print", 9));
    assertEquals("x", q.peek("mail").task().guid());
    assertNull(q.peek("other"));
    assertEquals(2, q.size());
    assertEquals("y", q.poll("print").task().guid());
    assertNull(q.poll("print"));
  }

  @Test
  void beforeComparesAcrossTypes() {
    TaskQueue q = new TaskQueue();
    q.add(task("low-early", "a", 1));
    q.add(task("high-late", "b", 2));
    q.add(task("same-late", "c", 1));
    assertEquals(true, TaskQueue.before(q.peek("b"), q.peek("a")));
    assertEquals(true, TaskQueue.before(q.peek("a"), q.peek("c")));
  }
}
