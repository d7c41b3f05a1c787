package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.ErrorBody;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.TasksQuery;
import io.vertx.core.Vertx;
import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /api/tasks}: submit, look up, list; the stored tasks are asked of their owner, the dispatcher ({@code tef.tasks.query}). */
final class TaskRoutes {

  private final Vertx vertx;
  private final long bodyLimit;

  TaskRoutes(Vertx vertx, long bodyLimit) {
    this.vertx = vertx;
    this.bodyLimit = bodyLimit;
  }

  void mount(Router router) {
    router.post("/api/tasks").handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(QueryParams.NONE).handler(this::submit);
    router.get("/api/tasks/:guid").handler(QueryParams.NONE).handler(this::get);
    router.delete("/api/tasks/:guid").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.TASKS_CANCEL,
        new JsonObject().put("guid", ctx.pathParam("guid")), reply -> reply.getJsonObject("task")));
    router.post("/api/tasks/:guid/retry").handler(QueryParams.NONE).handler(ctx -> JsonResponses.relay(ctx, vertx, Addresses.TASKS_RETRY,
        new JsonObject().put("guid", ctx.pathParam("guid")), reply -> reply.getJsonObject("task")));
    router.patch("/api/tasks/:guid").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(QueryParams.NONE).handler(this::change);
    router.get("/api/tasks").handler(QueryParams.only("state", "task_type", "suite_guid", "worker", "guid_contains", "before", "limit"))
        .handler(this::list);
  }

  /** Submissions through REST say so, for the metrics' door label. */
  private static final io.vertx.core.eventbus.DeliveryOptions REST = new io.vertx.core.eventbus.DeliveryOptions().addHeader(Addresses.DOOR_HEADER, "rest");

  private void submit(RoutingContext ctx) {
    Object body = JsonResponses.body(ctx, "the body must be a JSON object (a task envelope) or an array of them (a bulk submission)");
    if (body instanceof JsonArray envelopes) {
      // Each item is answered on its own (its status in the results), so the request itself succeeds.
      vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelopes, REST)
          .onSuccess(reply -> JsonResponses.send(ctx, 200, reply.body()))
          .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
      return;
    }
    if (!(body instanceof JsonObject envelope)) {
      throw new ValidationException(null, "the body must be a JSON object (a task envelope) or an array of them (a bulk submission)");
    }
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_SUBMIT, envelope, REST)
        .onSuccess(reply -> {
          JsonObject task = reply.body().getJsonObject("task");
          boolean created = reply.body().getBoolean("created", false);
          ctx.response().putHeader("location", "/api/tasks/" + task.getString("guid"));
          JsonResponses.send(ctx, created ? 201 : 200, task);
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  /** A change to a task that has not started: today its priority alone. */
  private void change(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx, "send {\"priority\": N}");
    JsonResponses.onlyFields(body, "{\"priority\": N} (a task's priority alone changes while it waits)", "priority");
    io.tef.protocol.task.PriorityChange change = io.tef.protocol.task.PriorityChange.fromJson(body.copy().put("guid", ctx.pathParam("guid")));
    JsonResponses.relay(ctx, vertx, Addresses.TASKS_PRIORITY, change.toJson(), reply -> reply.getJsonObject("task"));
  }

  private void get(RoutingContext ctx) {
    String guid = ctx.pathParam("guid");
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_QUERY, TasksQuery.get(guid).toJson())
        .onSuccess(reply -> {
          JsonObject task = reply.body().getJsonObject("task");
          if (task == null) {
            JsonResponses.send(ctx, 404, ErrorBody.of("no task with guid '" + guid + "'", "guid"));
          } else {
            JsonResponses.send(ctx, 200, task);
          }
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  private void list(RoutingContext ctx) {
    var params = ctx.queryParams();
    TaskQuery query = TaskQuery.parse(params.get("state"), params.get("task_type"), params.get("suite_guid"), params.get("worker"),
        params.get("guid_contains"), params.get("before"), params.get("limit"));
    vertx.eventBus().<JsonObject>request(Addresses.TASKS_QUERY, TasksQuery.list(query.state(), query.taskType(), query.suiteGuid(),
            query.worker(), query.guidContains(), query.before() == null ? null : query.before().wire(), query.limit()).toJson())
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply.body()))
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }
}
