package io.tef.gateway;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.ValidationException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
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

  /**
   * The one JSON reader every route reads its body with; routing errors (a path that cannot be
   * decoded, no route, a method the path does not take, a body over the limit) and failed
   * handlers all answer here, so no plain-text body leaves.
   */
  static void install(Router router, io.tef.protocol.json.StrictJson json) {
    router.route().handler(ctx -> {
      ctx.put(STRICT_JSON, json);
      try {
        // With a form body the body handler merges in the query string's parameters where no
        // route's failure handling reaches: one that cannot be decoded left the request unanswered.
        ctx.request().params();
      } catch (IllegalArgumentException e) {
        throw new ValidationException(null, QueryParams.UNDECODABLE);
      }
      ctx.next();
    });
    for (int status = 400; status < 600; status++) {
      int code = status; // the context does not always carry it (a path that cannot be decoded)
      router.errorHandler(code, ctx -> answer(router, ctx, code));
    }
    router.route().failureHandler(ctx -> answer(router, ctx, ctx.statusCode()));
  }

  private static void answer(Router router, RoutingContext ctx, int status) {
    Throwable err = ctx.failure();
    if (err instanceof ValidationException v) {
      send(ctx, v.status(), v.toJson());
    } else if (err instanceof DecodeException d) {
      send(ctx, 400, ErrorBody.of("malformed JSON: " + d.getMessage(), null));
    } else if (status == 400 && err == null && !decodable(ctx.request().path())) {
      send(ctx, 400, ErrorBody.of("the path cannot be decoded: a % must start an escape like %2F or %25", null));
    } else if (status == 404) {
      send(ctx, 404, ErrorBody.of("no such resource: " + ctx.request().method() + " " + ctx.request().path(), null));
    } else if (status == 405) {
      Methods.notAllowed(router, ctx);
    } else if (status == 413) {
      send(ctx, 413, ErrorBody.of("request body too large", null));
    } else if (status >= 400 && status < 500) {
      String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
      send(ctx, status, ErrorBody.of(err != null && err.getMessage() != null && !err.getMessage().equals(reason)
          ? reason + ": " + err.getMessage() : reason, null));
    } else {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), err);
      send(ctx, status >= 500 && status < 600 ? status : 500, ErrorBody.of("internal error" + (err != null ? ": " + err.getMessage() : ""), null));
    }
  }

  private static boolean decodable(String path) {
    try {
      java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * For requests Netty could not decode (request line or headers too long, a bad method token or
   * header line): the router never sees them. Answered like Vert.x's default, but in JSON, and
   * the connection closed, as its framing cannot be trusted.
   */
  static Handler<HttpServerRequest> invalidRequests(HttpServerOptions options) {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      int status;
      String error;
      if (cause instanceof TooLongHttpLineException) {
        status = 414;
        error = "the request line is longer than " + options.getMaxInitialLineLength() + " bytes";
      } else if (cause instanceof TooLongHttpHeaderException) {
        status = 431;
        error = "the request headers are larger than " + options.getMaxHeaderSize() + " bytes";
      } else {
        status = 400;
        error = "malformed HTTP request" + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : "");
      }
      request.response().setStatusCode(status).putHeader("content-type", "application/json").putHeader("connection", "close")
          .end(ErrorBody.of(error, null).encode())
          .onComplete(done -> request.connection().close());
    };
  }

  /** Asks the event bus and answers with the reply mapped by {@code ok}, or with the failure as JSON. */
  static void relay(RoutingContext ctx, io.vertx.core.Vertx vertx, String address, JsonObject message,
                    java.util.function.Function<JsonObject, JsonObject> ok) {
    vertx.eventBus().<JsonObject>request(address, message)
        .onSuccess(reply -> send(ctx, 200, ok.apply(reply.body())))
        .onFailure(err -> send(ctx, io.tef.protocol.Replies.status(err), io.tef.protocol.Replies.errorBody(err)));
  }

  /** A request body that must be one JSON object; {@code expected} says what was expected. */
  static JsonObject bodyObject(RoutingContext ctx, String expected) {
    JsonObject o = bodyObjectOrNull(ctx, expected);
    if (o == null) {
      throw new ValidationException(null, "the body is empty; " + expected);
    }
    return o;
  }

  /** The body as one JSON value (object, array, ...); an empty body is refused with {@code expected}. */
  static Object body(RoutingContext ctx, String expected) {
    io.vertx.core.buffer.Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ValidationException(null, "the body is empty; " + expected);
    }
    io.tef.protocol.json.StrictJson json = ctx.get(STRICT_JSON);
    return json.read(body);
  }

  /** As {@link #bodyObject}, but an empty body is null. */
  static JsonObject bodyObjectOrNull(RoutingContext ctx, String expected) {
    io.vertx.core.buffer.Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return null;
    }
    io.tef.protocol.json.StrictJson json = ctx.get(STRICT_JSON);
    return json.object(body, expected);
  }

  /** Refuses any field but {@code fields}: a misspelt one would be silently ignored. {@code shape} shows the body. */
  static JsonObject onlyFields(JsonObject body, String shape, String... fields) {
    for (String key : body.fieldNames()) {
      if (!java.util.List.of(fields).contains(key)) {
        throw new ValidationException(key, "unknown field; the body is " + shape);
      }
    }
    return body;
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
