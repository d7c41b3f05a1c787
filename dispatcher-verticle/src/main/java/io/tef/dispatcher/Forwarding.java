package io.tef.dispatcher;

import io.tef.core.store.TaskStore;
import io.tef.protocol.Addresses;
import io.tef.protocol.ValidationException;
import io.tef.protocol.worker.TaskReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * A message about a task this dispatcher does not hold goes to the live dispatcher that answers
 * for it, once: a forwarded message is never passed on again. A task whose dispatcher died and is
 * not taken over yet gets 503, so that the sender tries again.
 */
final class Forwarding {

  /** Headers of a forwarded message: the operation, and that it was forwarded. */
  static final String OP = "op";
  static final String FORWARDED = "forwarded";

  private final Vertx vertx;
  private final TaskStore store;
  private final Ownership ownership;
  private final String instance;
  private final long timeoutMs;

  Forwarding(Vertx vertx, TaskStore store, Ownership ownership, String instance, long timeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.ownership = ownership;
    this.instance = instance;
    this.timeoutMs = timeoutMs;
  }

  /** The live dispatcher instance that answers for tasks of this owner, or null. */
  String liveOwner(String owner) {
    return ownership.liveOwner(owner);
  }

  /** Hands a message to the dispatcher instance that answers for its task, and relays its answer. */
  Future<JsonObject> forward(String owner, String op, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.dispatcher(owner), body,
        new DeliveryOptions().setSendTimeout(timeoutMs).addHeader(OP, op).addHeader(FORWARDED, "true")).map(m -> m.body());
  }

  /** A report of a task not held here: passed on to its dispatcher, or, none other, judged {@code here}. */
  Future<JsonObject> report(TaskReport r, Supplier<Future<JsonObject>> here) {
    return store.find(r.guid()).compose(stored -> {
      String owner = stored == null ? null : ownership.liveOwner(stored.owner());
      if (owner != null && !owner.equals(instance)) {
        return forward(owner, "report", r.toJson());
      }
      if (owner == null && stored != null && !stored.state().terminal()) {
        // Its dispatcher died and nobody has taken its tasks over yet: ask the worker to report again.
        throw new ValidationException(503, "guid", "the dispatcher of task " + r.guid() + " is being taken over; report again shortly");
      }
      return here.get();
    });
  }

  /** A cancel of a task not held here: passed on to its dispatcher, or refused saying why. */
  Future<JsonObject> cancel(String guid, boolean forwarded) {
    return passOn(guid, forwarded, "cancel", new JsonObject().put("guid", guid),
        stored -> "task '" + guid + "' is " + stored.state().wire() + " already");
  }

  /** A priority change of a task not held here: passed on to its dispatcher, or refused saying why. */
  Future<JsonObject> changePriority(io.tef.protocol.task.PriorityChange change, boolean forwarded) {
    return passOn(change.guid(), forwarded, "priority", change.toJson(), stored -> "task '" + change.guid() + "' is "
        + stored.state().wire() + ": only a queued or paused task's priority can change");
  }

  private Future<JsonObject> passOn(String guid, boolean forwarded, String op, JsonObject body,
                                    java.util.function.Function<io.tef.core.task.Task, String> ended) {
    return store.find(guid).compose(stored -> {
      if (stored == null) {
        throw new ValidationException(404, "guid", "no task with guid '" + guid + "'");
      }
      String owner = stored.state().terminal() ? null : ownership.liveOwner(stored.owner());
      if (owner != null && !owner.equals(instance) && !forwarded) {
        return forward(owner, op, body);
      }
      if (!stored.state().terminal()) {
        throw new ValidationException(503, "guid", "task '" + guid + "' belongs to a dispatcher that is being taken over; try again shortly");
      }
      throw new ValidationException(409, "guid", ended.apply(stored));
    });
  }
}
