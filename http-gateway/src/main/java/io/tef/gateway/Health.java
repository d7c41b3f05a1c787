package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Addresses;
import io.tef.protocol.task.TasksQuery;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;


/**
 * The health endpoints, in vertx-health-check's format ({@code {"status": "UP", "checks": [...]}},
 * 200 or 503). {@code /health/live}: the process answers (an event loop ran the request).
 * {@code /health/ready} (and {@code /health}, as before): the store answers (asked of its owner, a
 * dispatcher, over the event bus); the AMQP bridge, if this node runs one, is connected; each
 * dispatcher of this node holds its lease; a clustered node is in its cluster.
 */
final class Health {

  static HealthCheckHandler live(Vertx vertx) {
    return HealthCheckHandler.createWithHealthChecks(HealthChecks.create(vertx).register("process", p -> p.complete(Status.OK())));
  }

  static HealthChecks readiness(Vertx vertx, TefConfig config) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("store", 2000, promise -> vertx.eventBus().request(Addresses.TASKS_QUERY, TasksQuery.ping().toJson(),
                new DeliveryOptions().setSendTimeout(2000))
            .onSuccess(t -> promise.complete(Status.OK()))
            .onFailure(err -> promise.complete(Status.KO(new JsonObject().put("reason", "no dispatcher answered for the store: " + err.getMessage())))))
        // The bridge leaves its state in the node's shared map; no bridge on this node: nothing to check.
        .register("amqp", promise -> {
          Object state = vertx.sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE);
          promise.complete(state == null || "up".equals(state) ? Status.OK(new JsonObject().put("bridge", state == null ? "off" : "up"))
              : Status.KO(new JsonObject().put("bridge", state).put("reason", "the AMQP bridge is not connected to its broker")));
        });
    if (config.node().roles().contains("dispatcher")) {
      checks.register("dispatcher", promise -> {
        JsonObject leases = new JsonObject();
        vertx.sharedData().<String, String>getLocalMap(NodeInfo.DISPATCHER_LEASES).forEach(leases::put);
        boolean held = !leases.isEmpty() && leases.stream().allMatch(e -> "held".equals(e.getValue()));
        JsonObject data = new JsonObject().put("leases", leases);
        promise.complete(held ? Status.OK(data) : Status.KO(data.put("reason", leases.isEmpty()
            ? "no dispatcher of this node holds a lease yet" : "a dispatcher of this node does not hold its lease")));
      });
    }
    if (config.cluster().enabled()) {
      checks.register("cluster", promise -> {
        boolean active = vertx instanceof VertxInternal vi && vi.clusterManager() != null && vi.clusterManager().isActive();
        promise.complete(active ? Status.OK(new JsonObject().put("members", ((VertxInternal) vertx).clusterManager().getNodes().size()))
            : Status.KO(new JsonObject().put("reason", "this node is not in its cluster")));
      });
    }
    return checks;
  }

  static HealthCheckHandler ready(HealthChecks readiness) {
    return HealthCheckHandler.createWithHealthChecks(readiness);
  }

  private Health() {
  }
}
