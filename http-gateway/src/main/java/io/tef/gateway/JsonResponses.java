package io.tef.gateway;

import io.tef.core.task.ErrorBody;
import io.tef.core.task.ValidationException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every answer leaves the gateway as JSON; errors as {@code {"error", "field"}} with a fitting status. */
final class JsonResponses {

  private static final Logger LOG = LoggerFactory.getLogger(JsonResponses.class);

  private static final String STRICT_JSON = "tef.strict-json";

  /** Error pages as JSON, and the one JSON reader every route reads its body with. */
  static void install(Router router, io.tef.core.json.StrictJson json) {
    router.route().handler(ctx -> {
      ctx.put(STRICT_JSON, json);
      ctx.next();
    });
    router.errorHandler(404, ctx -> send(ctx, 404, ErrorBody.of("no such resource: " + ctx.request().method() + " " + ctx.request().path(), null)));
    router.errorHandler(405, ctx -> send(ctx, 405, ErrorBody.of("method " + ctx.request().method() + " not allowed on " + ctx.request().path(), null)));
    router.route().failureHandler(JsonResponses::onFailure);
  }

  private static void onFailure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (err instanceof ValidationException v) {
      send(ctx, v.status(), v.toJson());
    } else if (err instanceof DecodeException d) {
      send(ctx, 400, ErrorBody.of("malformed JSON: " + d.getMessage(), null));
    } else if (ctx.statusCode() == 413) {
      send(ctx, 413, ErrorBody.of("request body too large", null));
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      send(ctx, ctx.statusCode(), ErrorBody.of(err != null && err.getMessage() != null ? err.getMessage() : "bad request", null));
    } else {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), err);
      send(ctx, 500, ErrorBody.of("internal error" + (err != null ? ": " + err.getMessage() : ""), null));
    }
  }

  /** Asks the event bus and answers with the reply mapped by {@code ok}, or with the failure as JSON. */
  static void relay(RoutingContext ctx, io.vertx.core.Vertx vertx, String address, JsonObject message,
                    java.util.function.Function<JsonObject, JsonObject> ok) {
    vertx.eventBus().<JsonObject>request(address, message)
        .onSuccess(reply -> send(ctx, 200, ok.apply(reply.body())))
        .onFailure(err -> send(ctx, io.tef.core.protocol.Replies.status(err), io.tef.core.protocol.Replies.errorBody(err)));
  }

  /** A request body that must be one JSON object; {@code expected} says what was expected. */
  static JsonObject bodyObject(RoutingContext ctx, String expected) {
    JsonObject o = bodyObjectOrNull(ctx, expected);
    if (o == null) {
      throw new ValidationException(null, "the body is empty; " + expected);
    }
    return o;
  }

  /** As {@link #bodyObject}, but an empty body is null. */
  static JsonObject bodyObjectOrNull(RoutingContext ctx, String expected) {
    io.vertx.core.buffer.Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    io.tef.core.json.StrictJson json = ctx.get(STRICT_JSON);
    return json.object(body, expected);
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private JsonResponses() {
  }
}
