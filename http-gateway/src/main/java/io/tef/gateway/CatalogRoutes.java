package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A catalog of named definitions over REST: {@code PUT/GET/DELETE <path>/{key}} and
 * {@code GET <path>}, each relayed as {@code {"op", key, "definition"}} to the verticle that
 * keeps them. Resources (the dispatcher) and task types (the registry) are two of them.
 */
final class CatalogRoutes {

  private final Vertx vertx;
  private final String path;
  private final String address;
  private final String key;
  private final String example;

  private CatalogRoutes(Vertx vertx, String path, String address, String key, String example) {
    this.vertx = vertx;
    this.path = path;
    this.address = address;
    this.key = key;
    this.example = example;
  }

  /** {@code /api/resources}: TEF's res_man definitions, their current limit and holders. */
  static CatalogRoutes resources(Vertx vertx) {
    return new CatalogRoutes(vertx, "/api/resources", Addresses.RESOURCES, "name", "{\"limit\": 1, \"available\": true, \"windows\": []}");
  }

  /** {@code /api/task-types}: task definitions, which workers are admitted for. */
  static CatalogRoutes taskTypes(Vertx vertx) {
    return new CatalogRoutes(vertx, "/api/task-types", Addresses.TASK_TYPES, "id", "{\"name\": \"Send an email\", \"max_attempts\": 5}");
  }

  void mount(Router router) {
    router.get(path).handler(QueryParams.NONE).handler(ctx -> ask(ctx, new JsonObject().put("op", "list")));
    router.get(path + "/:key").handler(QueryParams.NONE).handler(ctx -> ask(ctx, new JsonObject().put("op", "get").put(key, ctx.pathParam("key"))));
    router.delete(path + "/:key").handler(QueryParams.NONE).handler(ctx -> ask(ctx, new JsonObject().put("op", "delete").put(key, ctx.pathParam("key"))));
    router.put(path + "/:key").handler(BodyHandler.create(false).setBodyLimit(65536)).handler(QueryParams.NONE).handler(this::put);
  }

  private void put(RoutingContext ctx) {
    JsonObject body = JsonResponses.bodyObject(ctx, "the body must be a JSON object like " + example);
    ask(ctx, new JsonObject().put("op", "put").put(key, ctx.pathParam("key")).put("definition", body));
  }

  private void ask(RoutingContext ctx, JsonObject message) {
    vertx.eventBus().<JsonObject>request(address, message)
        .onSuccess(reply -> {
          JsonObject body = reply.body();
          Object created = body.remove("created");
          JsonResponses.send(ctx, Boolean.TRUE.equals(created) ? 201 : 200, body);
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }
}
