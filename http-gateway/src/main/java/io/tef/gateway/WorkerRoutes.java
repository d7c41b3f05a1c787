package io.tef.gateway;

import io.tef.core.Addresses;
import io.tef.core.task.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** {@code /api/workers}: the collective's worker records, filtered with {@code *} wildcards; remove_worker. */
final class WorkerRoutes {

  private static final Set<String> FILTERS = Set.of("id", "group", "task_type", "status");

  private final Vertx vertx;

  WorkerRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/workers").handler(this::list);
    router.get("/api/workers/:name").handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_WORKERS,
        new JsonObject().put("name", ctx.pathParam("name")), reply -> reply.getJsonObject("worker")));
    router.delete("/api/workers/:name").handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_REMOVE_WORKER,
        new JsonObject().put("name", ctx.pathParam("name")), reply -> reply.getJsonObject("removed")));
  }

  private void list(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    for (String name : ctx.queryParams().names()) {
      // A misspelt filter would silently list everyone.
      if (!FILTERS.contains(name)) {
        throw new ValidationException(name, "unknown filter; filters are id, group, task_type and status (* is a wildcard)");
      }
      query.put(name, ctx.queryParams().get(name));
    }
    JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_WORKERS, query, reply -> reply);
  }
}
