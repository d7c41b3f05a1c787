package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.core.task.TaskDefaults;
import io.tef.core.task.TaskEnvelope;
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
