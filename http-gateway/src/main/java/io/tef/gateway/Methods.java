package io.tef.gateway;

import io.tef.protocol.ErrorBody;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.TreeSet;

/**
 * The methods each path answers, read from the router's routes: HEAD wherever GET is, OPTIONS
 * on every served path (204 with {@code Allow}), and the {@code Allow} header of a 405. Routes
 * without a method (API keys, body readers) run before others and answer nothing themselves, so
 * they do not count.
 */
final class Methods {

  private Methods() {
  }

  /** Called once every route is mounted: HEAD wherever GET is. */
  static void install(Router router) {
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && route.methods().contains(HttpMethod.GET)) {
        route.method(HttpMethod.HEAD);
      }
    }
  }

  /** {@code GET, HEAD, OPTIONS} or the like; empty for a path no route serves. */
  static String allowed(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && route.getPath() != null && matches(route.getPath(), path)) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
    }
    if (!methods.isEmpty()) {
      methods.add("OPTIONS");
    }
    return String.join(", ", methods);
  }

  /** Vert.x Web's path patterns as the gateway uses them: literal segments, {@code :param} segments, a trailing {@code *}. */
  static boolean matches(String pattern, String path) {
    if (pattern.endsWith("*")) {
      return path.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] want = pattern.split("/", -1);
    String[] got = p.split("/", -1);
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      boolean param = want[i].startsWith(":") && !got[i].isEmpty();
      if (!param && !want[i].equals(got[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * A path some route serves, asked with a method none takes: OPTIONS gets 204 with
   * {@code Allow}, any other method 405 with the same header. (An OPTIONS route of its own
   * would match every path and turn each unknown path's 404 into a 405.)
   */
  static void notAllowed(Router router, RoutingContext ctx) {
    String allow = allowed(router, ctx.normalizedPath());
    if (!allow.isEmpty()) {
      ctx.response().putHeader("allow", allow);
    }
    if (ctx.request().method() == HttpMethod.OPTIONS && !allow.isEmpty()) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    JsonResponses.send(ctx, 405, ErrorBody.of("method " + ctx.request().method() + " not allowed on " + ctx.request().path()
        + (allow.isEmpty() ? "" : "; it takes " + allow), null));
  }
}
