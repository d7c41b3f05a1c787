package io.tef.dispatcher;

import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveTasksTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  private final ManualTimers timers = new ManualTimers();
  private final List<Task> saved = new ArrayList<>();
  private final List<String> due = new ArrayList<>();
  private final LiveTasks live = new LiveTasks(timers, Clock.fixed(NOW, ZoneOffset.UTC), "node", t -> {
    saved.add(t);
    return Future.succeededFuture();
  }, due::add);

  private static Task task(String guid, long createdMs) {
    return Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "t").put("max_attempts", 3), TaskDefaults.TEF),
        guid, NOW.minusMillis(createdMs), "test", "d1");
  }

  @Test
  void theCountsByStateAreTheLiveTasksThroughEveryChange() {
    java.util.Random random = new java.util.Random(5);
    java.util.Map<String, Task> model = new java.util.HashMap<>();
    for (int step = 0; step < 5_000; step++) {
      String guid = "g" + random.nextInt(300);
      Task now = model.get(guid);
      int move = random.nextInt(6);
      if (move == 0 && now != null) {
        live.remove(guid);
        model.remove(guid);
        continue;
      }
      Task next = now == null ? typed(guid, "t" + random.nextInt(3))
          : switch (move) {
            case 1 -> now.dispatched("w1", NOW, "node");
            case 2 -> now.dispatched("w1", NOW, "node").working(NOW, "w1");
            case 3 -> now.paused("node");
            case 4 -> now.requeued("node");
            default -> now;
          };
      live.put(next);
      model.put(guid, next);
      if (step % 500 == 0 || step == 4_999) {
        java.util.Map<String, java.util.Map<String, Integer>> walked = new java.util.TreeMap<>();
        model.values().forEach(t -> walked.computeIfAbsent(t.taskType(), k -> new java.util.TreeMap<>()).merge(t.state().wire(), 1, Integer::sum));
        assertEquals(walked, live.countsByState(), "after step " + step);
      }
    }
    live.clear();
    assertEquals(java.util.Map.of(), live.countsByState());
  }

  private static Task typed(String guid, String type) {
    return Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", type).put("max_attempts", 3), TaskDefaults.TEF),
        guid, NOW, "test", "d1");
  }

  @Test
  void aDueTaskIsQueuedAndItsTypeDispatched() {
    Task t = task("a", 10);
    live.put(t);
    live.enqueue(t);
    assertEquals(1, live.queue().size());
    assertEquals(List.of("t"), due);
    assertEquals(0, timers.pending());
  }

  @Test
  void requeueWritesQueuesAndKeepsTheTaskItsPlace() {
    Task first = task("first", 5000);
    live.put(first);
    live.enqueue(first);
    Task running = live.queue().poll("t").task().dispatched("w1", NOW.minusMillis(4000), "node").working(NOW.minusMillis(3900), "w1");
    live.put(running);
    Task later = task("later", 1000);
    live.put(later);
    live.enqueue(later);

    live.requeue(running); // its worker was lost: back in the queue, written once, queued state

    assertEquals(TaskState.QUEUED, live.get("first").state());
    assertEquals(1, saved.size());
    assertEquals("first", saved.get(0).guid());
    assertEquals(TaskState.QUEUED, saved.get(0).state());
    assertEquals("first", live.queue().poll("t").task().guid(), "queued again before the later arrival");
    assertEquals("later", live.queue().poll("t").task().guid());
  }

  @Test
  void aTaskNotYetDueWaitsOnItsRunAtTimer() {
    Task failed = task("retry", 5000).dispatched("w1", NOW.minusMillis(3000), "node")
        .attemptFailed("boom", NOW.minusMillis(1000), NOW.plusMillis(2500), "w1");
    Future<Void> written = live.requeueAs(failed.requeued("w1"));

    assertTrue(written.succeeded());
    assertEquals(0, live.queue().size());
    assertTrue(due.isEmpty());
    assertEquals(List.of(2500L), timers.delays());
    assertTrue(live.armed(LiveTasks.Timer.RUN_AT, "retry"));

    timers.fireAll();
    assertEquals(1, live.queue().size());
    assertEquals(List.of("t"), due);
    assertFalse(live.armed(LiveTasks.Timer.RUN_AT, "retry"), "a fired timer is forgotten");
  }

  @Test
  void aTaskCancelledWhileWaitingIsNotQueuedWhenItsTimeComes() {
    Task failed = task("retry", 5000).dispatched("w1", NOW.minusMillis(3000), "node")
        .attemptFailed("boom", NOW.minusMillis(1000), NOW.plusMillis(2500), "w1").requeued("w1");
    live.requeueAs(failed);
    live.unqueue(failed);
    assertEquals(0, timers.pending());
    timers.fireAll();
    assertEquals(0, live.queue().size());
  }

  @Test
  void cancelTimersCancelsEveryKindOfTheTaskOnly() {
    List<String> fired = new ArrayList<>();
    for (LiveTasks.Timer kind : LiveTasks.Timer.values()) {
      live.arm(kind, "a", 100, () -> fired.add("a:" + kind));
      live.arm(kind, "b", 100, () -> fired.add("b:" + kind));
    }
    assertEquals(2 * LiveTasks.Timer.values().length, timers.pending());

    live.cancelTimers("a");

    assertEquals(LiveTasks.Timer.values().length, timers.cancelled);
    for (LiveTasks.Timer kind : LiveTasks.Timer.values()) {
      assertFalse(live.armed(kind, "a"), kind + " of a");
      assertTrue(live.armed(kind, "b"), kind + " of b");
    }
    timers.fireAll();
    assertEquals(LiveTasks.Timer.values().length, fired.size());
    assertTrue(fired.stream().allMatch(f -> f.startsWith("b:")), fired.toString());
  }

  @Test
  void armingAgainReplacesTheTimerOfThatKind() {
    List<String> fired = new ArrayList<>();
    live.arm(LiveTasks.Timer.STALL, "a", 100, () -> fired.add("old"));
    live.arm(LiveTasks.Timer.STALL, "a", 200, () -> fired.add("new"));
    assertEquals(List.of(200L), timers.delays());
    timers.fireAll();
    assertEquals(List.of("new"), fired);
  }

  @Test
  void clearForgetsEveryTaskAndTimer() {
    Task t = task("a", 10);
    live.put(t);
    live.enqueue(t);
    live.arm(LiveTasks.Timer.NOTE_SAVE, "a", 1000, () -> {
    });
    live.clear();
    assertNull(live.get("a"));
    assertEquals(0, live.size());
    assertEquals(0, live.queue().size());
    assertEquals(0, timers.pending());
  }
}
