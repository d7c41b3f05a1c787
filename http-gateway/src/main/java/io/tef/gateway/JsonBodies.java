package io.tef.gateway;

import io.tef.protocol.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * A change under {@code /api} with a body must say it is JSON ({@code application/json}, or a
 * {@code +json} type): the kinds a browser sends across origins without asking first (text/plain,
 * forms) never reach a route. wokmanager's and tasker's doors keep their clients' habits.
 */
final class JsonBodies implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    boolean change = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE;
    if (!change || !hasBody(ctx) || json(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      ctx.next();
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    JsonResponses.send(ctx, 415, ErrorBody.of("a request body here is JSON: send content-type: application/json"
        + (type == null ? " (none was sent)" : ", not " + type), "content-type"));
  }

  private static boolean hasBody(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !length.trim().equals("0") : ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  static boolean json(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }
}
