package io.tef.gateway;

import io.tef.protocol.Addresses;
import io.tef.core.auth.ApiKey;
import io.tef.protocol.Replies;
import io.tef.protocol.worker.WorkerStateEvent;
import io.tef.protocol.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * wokmanager's REST door: {@code POST /worker/state} (started, stopped, message, error),
 * {@code GET /worker/state} and {@code GET /worker/{id}/status}, behind {@link Access} (role worker). Workers
 * registered here are records only: they get no tasks.
 */
final class WokmanagerRoutes {

  private final Vertx vertx;

  WokmanagerRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    // GET /worker/state may carry wokmanager.py's JSON body {"id": "*"}. Only the methods served
    // read a body: the body handler cannot read a form under OPTIONS and would answer 500.
    router.route("/worker/state").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.POST)
        .handler(BodyHandler.create(false).setBodyLimit(16384));
    router.post("/worker/state").handler(QueryParams.only("api-key")).handler(this::event);
    router.get("/worker/state").handler(QueryParams.only("id", "api-key")).handler(this::state);
    router.get("/worker/:id/status").handler(QueryParams.only("api-key")).handler(this::status);
  }

  private void event(RoutingContext ctx) {
    // Checked here too so that bad input is answered without a trip to the collective.
    WorkerStateEvent e = WorkerStateEvent.fromJson(object(ctx, true));
    ApiKey key = ctx.get(Access.KEY);
    if (key != null && !key.mayUseWorkerName(e.id())) {
      throw new ValidationException(403, "id", "the API key '" + key.name() + "' may not speak for worker '" + e.id() + "'");
    }
    JsonResponses.relay(ctx, vertx, Addresses.COLLECTIVE_WORKER_STATE, e.toJson(), reply -> reply);
  }

  /** The workers not stopped whose id matches ({@code *} for all), as wokmanager listed them: a JSON array. */
  private void state(RoutingContext ctx) {
    String id = ctx.queryParams().get("id");
    if (id == null) {
      Object v = JsonResponses.onlyFields(object(ctx, false), "{\"id\": \"X\"} (* for all)", "id").getValue("id");
      if (v != null && !(v instanceof String)) {
        throw new ValidationException("id", "must be a string: a worker id, or * for all");
      }
      id = (String) v;
    }
    if (id == null || id.isEmpty()) {
      throw new ValidationException("id", "is required: ?id=X or the body {\"id\": \"X\"}; * for all");
    }
    vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("id", id))
        .onSuccess(reply -> {
          JsonArray running = new JsonArray();
          reply.body().getJsonArray("workers").forEach(o -> {
            if (!"offline".equals(((JsonObject) o).getString("status"))) {
              running.add(o);
            }
          });
          ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(running.encode());
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err), Replies.errorBody(err)));
  }

  private void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx.eventBus().<JsonObject>request(Addresses.COLLECTIVE_WORKERS, new JsonObject().put("name", id))
        .onSuccess(reply -> {
          JsonObject w = reply.body().getJsonObject("worker");
          String status = w.getString("status");
          String text = "offline".equals(status) ? "The worker " + id + " is offline"
              : "The worker " + id + " is running fine" + ("running".equals(status) ? "" : " (" + status + ")");
          JsonResponses.send(ctx, 200, new JsonObject().put("id", id).put("group", w.getString("group")).put("status", status)
              .put("alive", w.getBoolean("alive")).put("last_seen", w.getString("last_seen")).put("message", text));
        })
        .onFailure(err -> JsonResponses.send(ctx, Replies.status(err),
            Replies.status(err) == 404 ? new JsonObject().put("error", "no such worker registered").put("field", "id") : Replies.errorBody(err)));
  }

  private static JsonObject object(RoutingContext ctx, boolean required) {
    String expected = "the body must be a JSON object like {\"id\": \"Importer01\", \"group\": \"product.importer\", \"event\": \"started\"}";
    JsonObject o = JsonResponses.bodyObjectOrNull(ctx, expected);
    if (o == null && required) {
      throw new ValidationException(null, expected);
    }
    return o == null ? new JsonObject() : o;
  }
}
