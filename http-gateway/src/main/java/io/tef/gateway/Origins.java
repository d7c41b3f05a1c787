package io.tef.gateway;

import io.tef.protocol.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CORS policy. A request without an {@code Origin} header (curl, SDKs, servers) and a page of
 * the node's own origin pass; a page of an origin in {@code http.allowed_origins} gets Vert.x's
 * CORS answers (preflights, allow headers); any other origin is refused 403 before any route
 * runs, whatever its content type, so a page elsewhere can neither submit nor read.
 */
final class Origins implements Handler<RoutingContext> {

  private final List<String> allowed;
  private final CorsHandler cors;

  Origins(List<String> allowed) {
    this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.cors = allowed.isEmpty() ? null : CorsHandler.create().addOrigins(this.allowed)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
        .allowedHeaders(Set.of("content-type", "x-api-key", "authorization"))
        .maxAgeSeconds(600);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    if (origin == null || sameOrigin(origin, ctx)) {
      ctx.next();
    } else if (allowed.contains(origin.toLowerCase(Locale.ROOT))) {
      cors.handle(ctx);
    } else {
      JsonResponses.send(ctx, 403, ErrorBody.of("requests from pages of origin " + origin + " are not allowed: only the node's own"
          + " origin and those listed in http.allowed_origins may call it", "origin"));
    }
  }

  private static boolean sameOrigin(String origin, RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    if (authority == null) {
      return false;
    }
    try {
      URI uri = new URI(origin);
      String scheme = ctx.request().scheme() == null ? "http" : ctx.request().scheme();
      return scheme.equalsIgnoreCase(uri.getScheme()) && authority.host().equalsIgnoreCase(uri.getHost())
          && port(authority.port(), scheme) == port(uri.getPort(), uri.getScheme());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return false; // "null" (sandboxed frames, files) and anything unreadable is no origin of ours
    }
  }

  private static int port(int port, String scheme) {
    return port >= 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }
}
