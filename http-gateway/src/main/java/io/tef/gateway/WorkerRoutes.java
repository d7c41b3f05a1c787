package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/workers}: the collective's worker records, filtered with {@code *} wildcards (an unknown filter is refused); remove_worker. */
final class WorkerRoutes {

  private final Vertx vertx;

  WorkerRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/workers").handler(QueryParams.only("id", "group", "task_type", "status")).handler(this::list);
    router.get("/api/workers/:name").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_WORKERS,
        new JsonObject().put("name", ctx.pathParam("name")), reply -> reply.getJsonObject("worker")));
    router.delete("/api/workers/:name").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_REMOVE_WORKER,
        new JsonObject().put("name", ctx.pathParam("name")), reply -> reply.getJsonObject("removed")));
  }

  private void list(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    ctx.queryParams().forEach(query::put);
    JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_WORKERS, query, reply -> reply);
  }
}
