package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.DispatcherControl;
import io.tef.protocol.Replies;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.TasksQuery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/suites/{suite_guid}}: a suite's counts and tasks, and TEF's pause / ready / stop. */
final class SuiteRoutes {

  private final Vertx vertx;
  SuiteRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/suites/:suite").handler(QueryParams.only("limit")).handler(this::show);
    router.post("/api/suites/:suite/pause").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.PAUSE_SUITE));
    router.post("/api/suites/:suite/ready").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.READY_SUITE));
    router.post("/api/suites/:suite/stop").handler(QueryParams.NONE).handler(ctx -> control(ctx, DispatcherControl.STOP_SUITE));
  }

  private void show(RoutingContext ctx) {
    String suite = ctx.pathParam("suite");
    String limit = ctx.queryParams().get("limit");
    TasksQuery query = TasksQuery.suite(suite, limit == null || limit.isEmpty() ? TasksQuery.SUITE_DEFAULT_LIMIT : TaskQuery.parseLimit(limit));
    // The counts and tasks come from the dispatcher, the owner of the tasks.
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_QUERY, query.toJson()).map(reply -> reply.body()).onSuccess(body -> {
      if (body.getLong("total") == 0) {
        JsonResponses.send(ctx, 404, io.tef.protocol.ErrorBody.of("no tasks in suite '" + suite + "'", "suite_guid"));
      } else {
        JsonResponses.send(ctx, 200, body);
      }
    }).onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  private void control(RoutingContext ctx, DispatcherControl type) {
    JsonResponses.relay(ctx, vertx, Addresses.DISPATCHER_CONTROL, type.message(ctx.pathParam("suite")), reply -> reply.getJsonObject("response"));
  }
}
