package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.tef.protocol.Addresses;
import io.tef.protocol.task.TasksQuery;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/** {@code GET /health}: 200 when the store answers (asked of its owner, a dispatcher, over the event bus) (and the AMQP bridge, if this node runs one, is connected), 503 otherwise. */
final class Health {

  static HealthCheckHandler handler(Vertx vertx) {
    return HealthCheckHandler.create(vertx)
        .register("store", 2000, promise -> vertx.eventBus().request(Addresses.TASKS_QUERY, TasksQuery.ping().toJson(),
                new DeliveryOptions().setSendTimeout(2000))
            .onSuccess(t -> promise.complete(Status.OK()))
            .onFailure(err -> promise.complete(Status.KO())))
        // The bridge leaves its state in the node's shared map; no bridge on this node: nothing to check.
        .register("amqp", promise -> {
          Object state = vertx.sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE);
          promise.complete(state == null || "up".equals(state) ? Status.OK(new JsonObject().put("bridge", state == null ? "off" : "up"))
              : Status.KO(new JsonObject().put("bridge", state)));
        });
  }

  private Health() {
  }
}
