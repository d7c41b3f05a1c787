package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.core.store.TaskStore;
import io.tef.protocol.ErrorBody;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /api/tasks}: submit, look up, list. */
final class TaskRoutes {

  private final Vertx vertx;
  private final TaskStore store;
  private final long bodyLimit;

  TaskRoutes(Vertx vertx, TaskStore store, long bodyLimit) {
    this.vertx = vertx;
    this.store = store;
    this.bodyLimit = bodyLimit;
  }

  void mount(Router router) {
    router.post("/api/tasks").handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(QueryParams.NONE).handler(this::submit);
    router.get("/api/tasks/:guid").handler(QueryParams.NONE).handler(this::get);
    router.delete("/api/tasks/:guid").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.TASKS_CANCEL,
        new JsonObject().put("guid", ctx.pathParam("guid")), reply -> reply.getJsonObject("task")));
    router.get("/api/tasks").handler(QueryParams.only("state", "task_type", "suite_guid", "limit")).handler(this::list);
  }

  private void submit(RoutingContext ctx) {
    JsonObject envelope = JsonResponses.bodyObject(ctx, "the body must be a JSON object: a task envelope");
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope)
        .onSuccess(reply -> {
          JsonObject task = reply.body().getJsonObject("task");
          boolean created = reply.body().getBoolean("created", false);
          ctx.response().putHeader("location", "/api/tasks/" + task.getString("guid"));
          JsonResponses.send(ctx, created ? 201 : 200, task);
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  private void get(RoutingContext ctx) {
    String guid = ctx.pathParam("guid");
    store.find(guid)
        .onSuccess(task -> {
          if (task == null) {
            JsonResponses.send(ctx, 404, ErrorBody.of("no task with guid '" + guid + "'", "guid"));
          } else {
            JsonResponses.send(ctx, 200, TaskJson.toView(task));
          }
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    TaskQuery query = TaskQuery.parse(ctx.queryParams().get("state"), ctx.queryParams().get("task_type"),
        ctx.queryParams().get("suite_guid"), ctx.queryParams().get("limit"));
    store.list(query)
        .onSuccess(tasks -> {
          JsonArray out = new JsonArray();
          tasks.forEach(t -> out.add(TaskJson.toView(t)));
          JsonResponses.send(ctx, 200, new JsonObject().put("count", out.size()).put("tasks", out));
        })
        .onFailure(ctx::fail);
  }
}
