package io.tef.gateway;

import io.tef.core.auth.Role;
import io.vertx.core.http.HttpMethod;

import java.util.Set;

/**
 * The role each request needs, from its method and path: one table for the whole gateway, so a
 * route added later is admin-only until it is listed here. Null: no key needed (health checks,
 * CORS preflights, which carry no credentials).
 */
final class RouteRoles {

  private final Set<String> taskerTypes;

  RouteRoles(Set<String> taskerTypes) {
    this.taskerTypes = taskerTypes;
  }

  Role needed(HttpMethod method, String path) {
    // The SockJS bridge's HTTP requests carry no key (a browser cannot put one on a WebSocket):
    // each message on it does, checked by the bridge.
    if (path.equals("/health") || path.startsWith("/health/") || method == HttpMethod.OPTIONS
        || path.equals("/eventbus") || path.startsWith("/eventbus/")) {
      return null;
    }
    // The dashboard's pages and scripts hold no data (it asks the API, with the key the user gives it).
    if ((method == HttpMethod.GET || method == HttpMethod.HEAD) && (path.equals("/") || path.equals("/ui") || path.startsWith("/ui/"))) {
      return null;
    }
    if (path.equals("/worker") || path.startsWith("/worker/")) {
      return Role.WORKER;
    }
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return Role.READ;
    }
    String[] parts = path.split("/", -1);
    boolean tasks = parts.length >= 3 && parts[1].equals("api") && parts[2].equals("tasks");
    if (tasks && method == HttpMethod.POST && parts.length == 3
        || tasks && (method == HttpMethod.DELETE || method == HttpMethod.PATCH) && parts.length == 4
        || tasks && method == HttpMethod.POST && parts.length == 5 && parts[4].equals("retry")
        || method == HttpMethod.POST && parts.length == 5 && parts[1].equals("api") && parts[2].equals("suites")
        || method == HttpMethod.POST && parts.length == 2 && taskerTypes.contains(parts[1])) {
      return Role.SUBMIT;
    }
    return Role.ADMIN;
  }
}
