package io.tef.gateway;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.Map;

/**
 * {@code GET /api/openapi.json}: the REST API's contract (OpenAPI 3.1), kept as YAML in the jar
 * ({@value #CONTRACT}) and answered as JSON, the form OpenAPI tools and validators read.
 */
final class OpenApiRoute implements Handler<RoutingContext> {

  /** On the class path, beside the gateway's classes. */
  static final String CONTRACT = "openapi/tef.yaml";

  private final Vertx vertx;
  private Buffer json;

  OpenApiRoute(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (json != null) {
      ctx.response().putHeader("content-type", "application/json").end(json);
      return;
    }
    vertx.fileSystem().readFile(CONTRACT).map(OpenApiRoute::toJson).onSuccess(b -> {
      json = b;
      handle(ctx);
    }).onFailure(ctx::fail);
  }

  static Buffer toJson(Buffer yaml) {
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml.toString());
    return new JsonObject(tree).toBuffer();
  }
}
