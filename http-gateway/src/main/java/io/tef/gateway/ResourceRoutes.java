package io.tef.gateway;

import io.tef.core.Addresses;
import io.tef.core.protocol.Replies;
import io.tef.core.task.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code /api/resources}: TEF's res_man definitions, their current limit and holders. */
final class ResourceRoutes {

  private final Vertx vertx;

  ResourceRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/resources").handler(ctx -> ask(ctx, new JsonObject().put("op", "list")));
    router.get("/api/resources/:name").handler(ctx -> ask(ctx, new JsonObject().put("op", "get").put("name", ctx.pathParam("name"))));
    router.delete("/api/resources/:name").handler(ctx -> ask(ctx, new JsonObject().put("op", "delete").put("name", ctx.pathParam("name"))));
    router.put("/api/resources/:name").handler(BodyHandler.create(false).setBodyLimit(65536)).handler(this::put);
  }

  private void put(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new ValidationException(null, "the body must be a JSON object like {\"limit\": 1, \"available\": true, \"windows\": []}");
    }
    if (body == null) {
      throw new ValidationException(null, "the body must be a JSON object like {\"limit\": 1, \"available\": true, \"windows\": []}");
    }
    ask(ctx, new JsonObject().put("op", "put").put("name", ctx.pathParam("name")).put("definition", body));
  }

  private void ask(RoutingContext ctx, JsonObject message) {
    vertx.eventBus().<JsonObject>request(Addresses.RESOURCES, message)
        .onSuccess(reply -> {
          JsonObject body = reply.body();
          Object created = body.remove("created");
          JsonResponses.send(ctx, Boolean.TRUE.equals(created) ? 201 : 200, body);
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }
}
