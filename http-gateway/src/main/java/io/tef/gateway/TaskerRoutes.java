package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.core.config.TefConfig;
import io.tef.protocol.Replies;
import io.tef.core.tasker.TaskerRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * tasker's REST API, one pair of routes per configured type (and only those):
 * {@code POST /<type>} publishes a task to the type's endpoints through the bridge
 * ({@code tef.tasker.submit}) and answers with the task; {@code GET /<type>/<id>} (the task's id
 * or the customer's identifier) answers {@code {"task", "taskResponseList"}}, asked of the bridge
 * ({@code tef.tasker.query}), the owner of tasker's records.
 */
final class TaskerRoutes {

  private final Vertx vertx;
  private final TefConfig.Tasker config;
  private final long bodyLimit;

  TaskerRoutes(Vertx vertx, TefConfig.Tasker config, long bodyLimit) {
    this.vertx = vertx;
    this.config = config;
    this.bodyLimit = bodyLimit;
  }

  /** Mounted after every other route; the configured types never name /api, /worker or /health (config validation). */
  void mount(Router router) {
    for (String type : config.taskTypes()) {
      router.post("/" + type).handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(QueryParams.NONE).handler(ctx -> submit(ctx, type));
      router.get("/" + type + "/:id").handler(QueryParams.NONE).handler(ctx -> get(ctx, type));
    }
  }

  private void submit(RoutingContext ctx, String type) {
    JsonObject body = JsonResponses.bodyObjectOrNull(ctx, "the body must be a JSON object");
    if (body != null) {
      JsonResponses.onlyFields(body, "{\"identifier\", \"payload\", \"endpoints\"}", "identifier", "payload", "endpoints");
    }
    TaskerRequest request = TaskerRequest.parse(type, body);
    // The bridge answers once the listed endpoints received the task or the wait ran out.
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.waitForEndpointsTimeoutMs() + 15_000);
    vertx.eventBus().<JsonObject>request(Addresses.TASKER_SUBMIT, request.toJson(), options)
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply.body()))
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  private void get(RoutingContext ctx, String type) {
    String id = ctx.pathParam("id");
    vertx.eventBus().<JsonObject>request(Addresses.TASKER_QUERY, new JsonObject().put("type", type).put("id", id))
        .onSuccess(reply -> JsonResponses.send(ctx, 200, reply.body()))
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }
}
