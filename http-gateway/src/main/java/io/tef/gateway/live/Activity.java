package io.tef.gateway.live;

import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherControl;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the dashboard sees live, aggregated per second so that thousands of task events a second
 * become one message a second per open page: the tasks that ended (by state, with their waits),
 * which tasks, workers, resources and task types changed, and the dispatcher's state. Keeps the
 * last hour of seconds for the charts. Fed by TEF's own events ({@code tef.events.*}), which
 * every node of a cluster receives; runs on the gateway's context.
 */
public final class Activity {

  /** An hour of seconds. */
  static final int HISTORY = 3600;
  /** Guids of changed tasks named per second; more than that and the page reloads its list anyway. */
  static final int MAX_CHANGED = 100;

  private final Vertx vertx;
  private final Deque<Second> history = new ArrayDeque<>(HISTORY);
  private final Second.Builder current = new Second.Builder();
  private final Set<String> changedTasks = new LinkedHashSet<>();
  private boolean moreChanged;
  private boolean workersChanged;
  private boolean resourcesChanged;
  private boolean taskTypesChanged;
  private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long timer = -1;

  public Activity(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<Void> start() {
    var bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> taskEnded(m.body())));
    consumers.add(bus.consumer(Addresses.EVENTS_WORKERS, m -> workersChanged = true));
    consumers.add(bus.consumer(Addresses.EVENTS_RESOURCES, m -> resourcesChanged = true));
    consumers.add(bus.consumer(Addresses.EVENTS_TASK_TYPES, m -> taskTypesChanged = true));
    timer = vertx.setPeriodic(1000 - System.currentTimeMillis() % 1000, 1000, id -> tick());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public void stop() {
    vertx.cancelTimer(timer);
    consumers.forEach(MessageConsumer::unregister);
  }

  /** A new page: it gets the hour so far at once, then a tick every second until it {@link #unsubscribe}s. */
  JsonObject subscribe(Consumer<JsonObject> listener) {
    listeners.add(listener);
    JsonArray seconds = new JsonArray();
    history.forEach(s -> seconds.add(s.toJson()));
    return new JsonObject().put("columns", Second.columns()).put("seconds", seconds);
  }

  void unsubscribe(Consumer<JsonObject> listener) {
    listeners.remove(listener);
  }

  int listeners() {
    return listeners.size();
  }

  private void taskEnded(JsonObject task) {
    String guid = task.getString("guid");
    if (guid != null) {
      if (changedTasks.size() < MAX_CHANGED) {
        changedTasks.add(guid);
      } else {
        moreChanged = true;
      }
    }
    current.ended(String.valueOf(task.getValue("state")), firstWait(task));
  }

  /** Submit (or run time) to start, for a task that ran once: a retry's start says nothing of the queue. */
  private static long firstWait(JsonObject task) {
    if (task.getInteger("attempt", 0) != 1) {
      return -1;
    }
    Instant started = instant(task.getValue("started_at"));
    Instant created = instant(task.getValue("created_at"));
    Instant runAt = instant(task.getValue("run_at"));
    if (started == null || created == null) {
      return -1;
    }
    Instant due = runAt != null && runAt.isAfter(created) ? runAt : created;
    return Math.max(0, started.toEpochMilli() - due.toEpochMilli());
  }

  private static Instant instant(Object v) {
    try {
      return v instanceof String s ? IsoInstants.parse(s) : null;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private void tick() {
    long at = System.currentTimeMillis() / 1000 * 1000;
    Second second = current.close(at);
    if (history.size() == HISTORY) {
      history.removeFirst();
    }
    history.addLast(second);
    JsonObject changed = new JsonObject()
        .put("tasks", new JsonArray(new ArrayList<>(changedTasks))).put("more_tasks", moreChanged)
        .put("workers", workersChanged).put("resources", resourcesChanged).put("task_types", taskTypesChanged);
    changedTasks.clear();
    moreChanged = false;
    workersChanged = false;
    resourcesChanged = false;
    taskTypesChanged = false;
    if (listeners.isEmpty()) {
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.DISPATCHER_CONTROL, DispatcherControl.GET_STATE.message(null))
        .map(reply -> {
          JsonObject state = reply.body().copy();
          state.put("state", state.remove("response"));
          return state;
        })
        .otherwise(err -> new JsonObject().put("error", err.getMessage()))
        .onSuccess(dispatcher -> {
          JsonObject tick = new JsonObject().put("second", second.toJson()).put("changed", changed).put("dispatcher", dispatcher);
          listeners.forEach(l -> l.accept(tick));
        });
  }
}
