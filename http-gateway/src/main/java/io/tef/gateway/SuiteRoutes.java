package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherControl;
import io.tef.core.store.TaskStore;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/suites/{suite_guid}}: a suite's counts and tasks, and TEF's pause / ready / stop. */
final class SuiteRoutes {

  private final Vertx vertx;
  private final TaskStore store;

  SuiteRoutes(Vertx vertx, TaskStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  void mount(Router router) {
    router.get("/api/suites/:suite").handler(QueryParams.NONE).handler(this::show);
    router.post("/api/suites/:suite/pause").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.PAUSE_SUITE));
    router.post("/api/suites/:suite/ready").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.READY_SUITE));
    router.post("/api/suites/:suite/stop").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.STOP_SUITE));
  }

  private void show(RoutingContext ctx) {
    String suite = ctx.pathParam("suite");
    store.countByState(suite).compose(counts -> store.list(new TaskQuery(null, null, suite, TaskQuery.MAX_LIMIT)).map(tasks -> {
      JsonObject byState = new JsonObject();
      counts.forEach(byState::put);
      JsonArray list = new JsonArray();
      tasks.forEach(t -> list.add(TaskJson.toView(t)));
      return new JsonObject().put("suite_guid", suite).put("total", counts.values().stream().mapToLong(Long::longValue).sum())
          .put("counts", byState).put("tasks", list);
    })).onSuccess(body -> {
      if (body.getLong("total") == 0) {
        JsonResponses.send(ctx, 404, io.tef.protocol.ErrorBody.of("no tasks in suite '" + suite + "'", "suite_guid"));
      } else {
        JsonResponses.send(ctx, 200, body);
      }
    }).onFailure(ctx::fail);
  }

  private void control(RoutingContext ctx, DispatcherControl type) {
    JsonResponses.relay(ctx, vertx, Addresses.DISPATCHER_CONTROL, type.message(ctx.pathParam("suite")), reply -> reply.getJsonObject("response"));
  }
}
