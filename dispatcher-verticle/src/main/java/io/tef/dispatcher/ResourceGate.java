package io.tef.dispatcher;

import io.tef.protocol.Addresses;
import io.tef.core.resource.ResourceDefinition;
import io.tef.core.resource.ResourceHold;
import io.tef.core.store.ResourceStore;
import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.protocol.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Lets a task through only when it can take all its resources. A task that cannot waits parked
 * on the resource that stopped it and goes back to the queue when that resource frees a slot,
 * when a window opens, or when a definition changes; nothing polls for that. A slot of a limited
 * resource is taken in the store (an insert with a unique id) before the task leaves, so limits
 * hold across dispatchers; a slow sweep, only while tasks are parked, reclaims slots whose
 * attempt no longer runs (left by a crashed node).
 */
final class ResourceGate implements Matcher.Gate {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceGate.class);
  private static final long SWEEP_MS = 5000;

  private final Vertx vertx;
  private final ResourceStore resources;
  private final TaskStore tasks;
  private final Clock clock;
  private final String owner;
  private final long staleAfterMs;
  private final Consumer<List<TaskQueue.Entry>> unparked;
  private final ResourceLedger ledger = new ResourceLedger();
  private final Map<String, PriorityQueue<TaskQueue.Entry>> parked = new HashMap<>();
  /** Store writes of a task's holds still in flight: its release waits for them. */
  private final Map<String, Future<Boolean>> taking = new HashMap<>();
  /** Slots being freed in the store, by hold id: taking one again waits for that. */
  private final Map<String, Future<Void>> freeing = new HashMap<>();
  private long sweepTimer = -1;
  private long windowTimer = -1;

  ResourceGate(Vertx vertx, ResourceStore resources, TaskStore tasks, Clock clock, String owner, long staleAfterMs,
               Consumer<List<TaskQueue.Entry>> unparked) {
    this.vertx = vertx;
    this.resources = resources;
    this.tasks = tasks;
    this.clock = clock;
    this.owner = owner;
    this.staleAfterMs = staleAfterMs;
    this.unparked = unparked;
  }

  /** Writes the configured definitions, then reads every definition and hold. */
  Future<Void> start(List<ResourceDefinition> configured) {
    Future<Void> written = Future.all(configured.stream().map(resources::put).toList()).mapEmpty();
    return written.compose(v -> resources.definitions()).compose(defs -> {
      defs.forEach(ledger::define);
      LOG.info("{} resources defined{}", defs.size(), defs.isEmpty() ? "" : ": " + defs.stream().map(ResourceDefinition::name).toList());
      return sweep();
    });
  }

  /**
   * Takes the task's resources for this attempt, or parks the entry and answers null. The holds
   * are counted at once; {@link #commit} makes them true in the store.
   */
  @Override
  public List<ResourceHold> reserve(TaskQueue.Entry entry, int attempt) {
    Task t = entry.task();
    if (t.resources().isEmpty()) {
      return List.of();
    }
    StringBuilder blockedOn = new StringBuilder();
    List<ResourceHold> holds = ledger.reserve(t.guid(), attempt, t.resources(), owner, now(), blockedOn);
    if (holds == null) {
      parked.computeIfAbsent(blockedOn.toString(), r -> new PriorityQueue<>(TaskQueue.ORDER)).add(entry);
      armTimers();
    }
    return holds;
  }

  /** Writes the holds that count; false when another dispatcher holds one of the slots (then nothing is held). */
  @Override
  public Future<Boolean> commit(String guid, int attempt, List<ResourceHold> holds) {
    String key = guid + "#" + attempt;
    List<ResourceHold> written = holds.stream().filter(h -> h.slot() != ResourceLedger.UNCOUNTED_SLOT).toList();
    if (written.isEmpty()) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> all = takeAll(written, 0, new ArrayList<>());
    taking.put(key, all);
    all.onComplete(ar -> {
      if (taking.get(key) == all) {
        taking.remove(key);
      }
      if (ar.failed() || !ar.result()) {
        ledger.release(guid, attempt);
      }
    });
    return all;
  }

  /** Takes the slots one by one; on a lost race gives back the ones taken. */
  private Future<Boolean> takeAll(List<ResourceHold> holds, int i, List<ResourceHold> taken) {
    if (i == holds.size()) {
      return Future.succeededFuture(true);
    }
    ResourceHold h = holds.get(i);
    Future<Void> freed = freeing.getOrDefault(h.id(), Future.succeededFuture());
    return freed.compose(v -> resources.take(h)).compose(ok -> {
      if (ok) {
        taken.add(h);
        return takeAll(holds, i + 1, taken);
      }
      ledger.foreignTaken(h.resource(), h.slot());
      return Future.join(taken.stream().map(resources::release).toList()).transform(ar -> Future.succeededFuture(false));
    });
  }

  /**
   * Every end of an attempt comes here: its slots are freed and tasks parked on them may go.
   * Completes when the store has let go of them.
   */
  @Override
  public Future<Void> release(String guid, int attempt) {
    List<ResourceHold> holds = ledger.release(guid, attempt);
    if (holds.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Boolean> pending = taking.getOrDefault(guid + "#" + attempt, Future.succeededFuture(true));
    List<Future<Void>> frees = new ArrayList<>();
    for (ResourceHold h : holds) {
      if (h.slot() != ResourceLedger.UNCOUNTED_SLOT) {
        // Known as being freed at once, so that a take of the same slot from here on waits for it.
        Future<Void> f = pending.transform(ar -> ar.succeeded() && ar.result() ? free(h) : Future.succeededFuture());
        freeing.put(h.id(), f);
        f.onComplete(x -> freeing.remove(h.id(), f));
        frees.add(f);
      }
    }
    holds.forEach(h -> unpark(h.resource(), 1));
    return Future.join(frees).mapEmpty();
  }

  /** Deletes a hold from the store. */
  private Future<Void> free(ResourceHold h) {
    return resources.release(h)
        .onSuccess(v -> vertx.eventBus().publish(Addresses.EVENTS_RESOURCES, new JsonObject().put("event", "released")
            .put("resource", h.resource()).put("slot", h.slot()).put("owner", owner)))
        .onFailure(err -> LOG.warn("Freeing {} of task {} failed; the sweep will reclaim it: {}", h.id(), h.guid(), err.getMessage()))
        .otherwiseEmpty();
  }

  /** Another dispatcher freed a slot, or a definition changed somewhere. */
  void onEvent(JsonObject event) {
    if (owner.equals(event.getString("owner"))) {
      return;
    }
    switch (event.getString("event", "")) {
      case "released" -> {
        ledger.foreignReleased(event.getString("resource"), event.getInteger("slot"));
        unpark(event.getString("resource"), 1);
      }
      case "defined" -> define(ResourceDefinition.fromJson(event.getJsonObject("definition")));
      case "deleted" -> undefine(event.getString("resource"));
      default -> LOG.debug("Ignored resource event {}", event);
    }
  }

  void define(ResourceDefinition def) {
    ledger.define(def);
    unpark(def.name(), Integer.MAX_VALUE);
  }

  void undefine(String name) {
    ledger.undefine(name);
    unpark(name, Integer.MAX_VALUE);
  }

  ResourceDefinition definition(String name) {
    return ledger.definition(name);
  }

  /** For each defined resource: this dispatcher's holders, the due tasks parked on it here, its limit now. */
  Map<String, int[]> holdersWaitersLimit() {
    Map<String, int[]> out = new HashMap<>();
    for (ResourceDefinition def : ledger.definitions()) {
      out.put(def.name(), new int[] {ledger.localHolds(def.name()).size(), parked.getOrDefault(def.name(), new PriorityQueue<>()).size(),
          def.at(now()).limit()});
    }
    return out;
  }

  /** A resource as this dispatcher sees it now: definition, effective limit, holders. */
  JsonObject view(ResourceDefinition def, List<ResourceHold> storeHolds) {
    ResourceDefinition.Effective eff = def.at(now());
    List<JsonObject> holders = storeHolds.stream().filter(h -> h.resource().equals(def.name())).map(ResourceHold::toView).toList();
    int uncounted = (int) ledger.localHolds(def.name()).stream().filter(h -> h.slot() == ResourceLedger.UNCOUNTED_SLOT).count();
    return def.toJson().put("now", new JsonObject().put("limit", eff.limit()).put("available", eff.available()))
        .put("held", holders.size() + uncounted).put("holders", new io.vertx.core.json.JsonArray(holders))
        .put("waiting", parked.getOrDefault(def.name(), new PriorityQueue<>()).size());
  }

  private void unpark(String resource, int count) {
    PriorityQueue<TaskQueue.Entry> q = parked.get(resource);
    if (q == null) {
      return;
    }
    List<TaskQueue.Entry> out = new ArrayList<>();
    while (!q.isEmpty() && out.size() < count) {
      out.add(q.poll());
    }
    if (q.isEmpty()) {
      parked.remove(resource);
    }
    unparked.accept(out);
  }

  private void unparkAll() {
    for (String resource : List.copyOf(parked.keySet())) {
      unpark(resource, Integer.MAX_VALUE);
    }
  }

  /** While tasks are parked: a timer at the next minute (windows start and end on minutes) and the sweep. */
  private void armTimers() {
    if (windowTimer < 0 && ledger.hasWindows()) {
      Instant now = now();
      long delay = Math.max(1, Duration.between(now, now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)).toMillis());
      windowTimer = vertx.setTimer(delay, id -> {
        windowTimer = -1;
        unparkAll();
      });
    }
    if (sweepTimer < 0) {
      sweepTimer = vertx.setTimer(SWEEP_MS, id -> sweep().onComplete(ar -> {
        sweepTimer = -1;
        if (!parked.isEmpty()) {
          armTimers();
        }
      }));
    }
  }

  /**
   * Reads every hold: others' count against the limits; a hold whose attempt no longer runs
   * (its node died) is deleted. Parked tasks get another chance.
   */
  private Future<Void> sweep() {
    return resources.holds().compose(holds -> {
      List<ResourceHold> others = holds.stream().filter(h -> !owner.equals(h.owner())).toList();
      return Future.all(others.stream().map(h -> tasks.find(h.guid()).compose(t -> {
        if (stale(h, t)) {
          LOG.info("Reclaiming {} held by task {} attempt {}: that attempt no longer runs", h.id(), h.guid(), h.attempt());
          return resources.release(h).map(false);
        }
        return Future.succeededFuture(true);
      })).toList()).map(kept -> {
        List<ResourceHold> live = new ArrayList<>();
        for (int i = 0; i < others.size(); i++) {
          if (kept.<Boolean>resultAt(i)) {
            live.add(others.get(i));
          }
        }
        ledger.foreignHolds(live);
        unparkAll();
        return (Void) null;
      });
    }).otherwise(err -> {
      LOG.warn("Resource sweep failed: {}", err.getMessage());
      return null;
    });
  }

  private boolean stale(ResourceHold h, Task t) {
    if (t == null || t.state().terminal() || t.attempt() > h.attempt()) {
      return true;
    }
    boolean running = (t.state() == TaskState.DISPATCHED || t.state() == TaskState.WORKING) && t.attempt() == h.attempt();
    // A dispatched attempt is written only when its worker takes it, so give young holds time.
    return !running && Duration.between(h.at(), now()).toMillis() > staleAfterMs;
  }

  /** A graceful stop: no more timers. */
  void stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (windowTimer >= 0) {
      vertx.cancelTimer(windowTimer);
    }
  }

  private Instant now() {
    return clock.instant();
  }
}
