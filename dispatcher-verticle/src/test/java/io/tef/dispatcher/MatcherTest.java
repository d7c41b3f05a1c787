package io.tef.dispatcher;

import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matcher on its own: a fixed clock, hand-fired timers, a ledger for resources, no Vert.x. */
class MatcherTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  /** Reserves on a real ledger; commits at once, or refuses when told to; a release unparks every parked entry. */
  private final class LedgerGate implements Matcher.Gate {
    final ResourceLedger ledger = new ResourceLedger();
    final List<TaskQueue.Entry> parked = new ArrayList<>();
    boolean commitWins = true;

    @Override
    public List<ResourceHold> reserve(TaskQueue.Entry entry, int attempt) {
      Task t = entry.task();
      if (t.resources().isEmpty()) {
        return List.of();
      }
      List<ResourceHold> holds = ledger.reserve(t.guid(), attempt, t.resources(), "me", NOW, new StringBuilder());
      if (holds == null) {
        parked.add(entry);
      }
      return holds;
    }

    @Override
    public Future<Boolean> commit(String guid, int attempt, List<ResourceHold> holds) {
      if (!commitWins) {
        ledger.release(guid, attempt);
      }
      return Future.succeededFuture(commitWins);
    }

    @Override
    public Future<Void> release(String guid, int attempt) {
      ledger.release(guid, attempt);
      List<TaskQueue.Entry> out = List.copyOf(parked);
      parked.clear();
      matcher.unparked(out);
      return Future.succeededFuture();
    }
  }

  private final ManualTimers timers = new ManualTimers();
  private final WorkerPool workers = new WorkerPool();
  private final LedgerGate gate = new LedgerGate();
  /** "guid to worker", in the order handed over. */
  private final List<String> delivered = new ArrayList<>();
  private boolean mayDispatch = true;
  private LiveTasks live;
  private Matcher matcher;

  @BeforeEach
  void wire() {
    live = new LiveTasks(timers, Clock.fixed(NOW, ZoneOffset.UTC), "node", t -> Future.succeededFuture(), type -> matcher.dispatchType(type));
    matcher = new Matcher(live, workers, gate, () -> mayDispatch, (t, w, entry) -> delivered.add(t.guid() + ">" + w.name), timers, "node");
  }

  private Task submit(String guid, String type, int priority, long agoMs, String... resources) {
    JsonObject env = new JsonObject().put("task_type", type).put("priority", priority);
    if (resources.length > 0) {
      env.put("resources", new JsonArray(List.of((Object[]) resources)));
    }
    Task t = Task.accepted(TaskEnvelope.parse(env, TaskDefaults.TEF), guid, NOW.minusMillis(agoMs), "test", "d1");
    live.put(t);
    live.enqueue(t);
    return t;
  }

  /** The worker's task ends: it is free and asks for the next. */
  private void finish(WorkerPool.Worker w) {
    workers.release(w);
    matcher.dispatchTo(w);
  }

  @Test
  void aWorkerGetsHigherPriorityFirstThenTheEarlierDueAcrossItsTypes() {
    submit("low", "a", 1, 3000);
    submit("high-late", "b", 5, 1000);
    submit("high-early", "a", 5, 2000);
    submit("mid", "b", 3, 4000);
    submit("other-type", "c", 9, 9000);
    WorkerPool.Worker w = workers.add("w1", "i1", List.of("a", "b"), true);

    matcher.dispatchTo(w);
    finish(w);
    finish(w);
    finish(w);
    finish(w);

    assertEquals(List.of("high-early>w1", "high-late>w1", "mid>w1", "low>w1"), delivered);
    assertEquals("other-type", live.queue().peek("c").task().guid(), "a type the worker does not run stays queued");
    Task last = live.get("low");
    assertEquals(TaskState.DISPATCHED, last.state());
    assertEquals("w1", last.worker());
  }

  @Test
  void aTaskGoesToTheLongestIdleWorkerOfItsTypeAndWaitsWhenNoneIsIdle() {
    workers.add("w1", "i1", List.of("a"), true);
    workers.add("w2", "i2", List.of("a", "b"), true);
    submit("t1", "a", 0, 3000);
    submit("t2", "a", 0, 2000);
    submit("t3", "a", 0, 1000);
    assertEquals(List.of("t1>w1", "t2>w2"), delivered);
    assertEquals(1, live.queue().size());
    assertEquals(TaskState.QUEUED, live.get("t3").state());
  }

  @Test
  void aResourceLimitsHowManyRunAndAFreedSlotLetsTheParkedOneGo() {
    gate.ledger.define(ResourceDefinition.parse("db", new JsonObject().put("limit", 1), ZoneOffset.UTC, ""));
    workers.add("w1", "i1", List.of("a"), true);
    workers.add("w2", "i2", List.of("a"), true);
    workers.add("w3", "i3", List.of("a"), true);
    submit("x", "a", 0, 3000, "db");
    submit("y", "a", 0, 2000, "db");
    submit("z", "a", 0, 1000);

    assertEquals(List.of("x>w1", "z>w2"), delivered, "y waits for db, and its worker takes z");
    assertEquals(1, gate.parked.size());
    assertEquals(TaskState.QUEUED, live.get("y").state());
    assertEquals(0, live.queue().size(), "a parked task is not in the queue");

    gate.release("x", live.get("x").attempt());
    assertEquals(List.of("x>w1", "z>w2", "y>w3"), delivered);
  }

  @Test
  void aLostRaceForASlotPutsTheTaskBackAndTriesAgainOnATimer() {
    gate.ledger.define(ResourceDefinition.parse("db", new JsonObject().put("limit", 1), ZoneOffset.UTC, ""));
    gate.commitWins = false;
    WorkerPool.Worker w = workers.add("w1", "i1", List.of("a"), true);
    submit("x", "a", 0, 1000, "db");

    assertTrue(delivered.isEmpty());
    assertEquals(TaskState.QUEUED, live.get("x").state());
    assertNull(w.guid, "the worker is free again");
    assertEquals(List.of(1L), timers.delays());

    gate.commitWins = true;
    timers.fireAll();
    assertEquals(List.of("x>w1"), delivered);
  }

  @Test
  void nothingIsMatchedWhileDispatchingIsOff() {
    mayDispatch = false;
    workers.add("w1", "i1", List.of("a"), true);
    submit("t1", "a", 0, 1000);
    assertTrue(delivered.isEmpty());

    mayDispatch = true;
    matcher.dispatchAll();
    assertEquals(List.of("t1>w1"), delivered);
  }

  @Test
  void aStaleEntryIsSkippedAndTheWorkerTakesTheNext() {
    Task gone = submit("cancelled", "a", 9, 2000);
    Task held = submit("paused", "a", 8, 1500);
    submit("next", "a", 0, 1000);
    live.remove(gone.guid());
    live.put(held.paused("node"));
    WorkerPool.Worker w = workers.add("w1", "i1", List.of("a"), true);

    matcher.dispatchTo(w);

    assertEquals(List.of("next>w1"), delivered);
    assertEquals("next", w.guid);
    assertEquals(0, live.queue().size());
  }
}
