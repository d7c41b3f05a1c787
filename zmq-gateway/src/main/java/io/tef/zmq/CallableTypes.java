package io.tef.zmq;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whitelist: a task type may be called over ZeroMQ when {@code zmq.task_types} lists it or
 * its definition says {@code rpc: true} (the Task Engine's registry of trusted functions). The
 * registry owns definitions; this keeps what it answered, kept current by its
 * {@code tef.events.task_types}, so a call costs no lookup after the first of its type.
 */
final class CallableTypes {

  /** Names asked for that are not callable are remembered up to this many (clients choose the names). */
  private static final int MAX_REMEMBERED = 10_000;

  private final Vertx vertx;
  private final Set<String> listed;
  private final Map<String, Boolean> known = new HashMap<>();

  CallableTypes(Vertx vertx, List<String> listed) {
    this.vertx = vertx;
    this.listed = Set.copyOf(listed);
  }

  Future<Void> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASK_TYPES, m -> {
      JsonObject event = m.body();
      if ("defined".equals(event.getString("event")) && event.getValue("definition") instanceof JsonObject d && d.getValue("id") instanceof String id) {
        known.put(id, Boolean.TRUE.equals(d.getValue("rpc")));
      } else if ("deleted".equals(event.getString("event")) && event.getValue("id") instanceof String id) {
        known.remove(id);
      }
    }).completion();
  }

  /** Whether the door may call this type; fails when the registry cannot be asked. */
  Future<Boolean> callable(String taskType) {
    if (listed.contains(taskType)) {
      return Future.succeededFuture(true);
    }
    Boolean k = known.get(taskType);
    if (k != null) {
      return Future.succeededFuture(k);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.TASK_TYPES, new JsonObject().put("op", "get").put("id", taskType),
            new DeliveryOptions().setSendTimeout(5000))
        .map(reply -> remember(taskType, Boolean.TRUE.equals(reply.body().getValue("rpc"))))
        .recover(err -> err instanceof ReplyException r && Replies.status(r) == 404
            ? Future.succeededFuture(remember(taskType, false))
            : Future.failedFuture(err));
  }

  private boolean remember(String taskType, boolean callable) {
    if (callable || known.size() < MAX_REMEMBERED) {
      known.put(taskType, callable);
    }
    return callable;
  }
}
