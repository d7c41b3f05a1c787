package io.tef.gateway;

import io.tef.core.auth.ApiKey;
import io.tef.core.auth.Role;
import io.tef.gateway.access.KeyCheck;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/access}: what the caller's key may do, so a client (the dashboard) shows only
 * the actions it would be allowed; the routes check each action again.
 */
final class AccessRoute implements Handler<RoutingContext> {

  private final KeyCheck keys;

  AccessRoute(KeyCheck keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ApiKey key = ctx.get(Access.KEY);
    JsonObject may = new JsonObject();
    for (Role r : new Role[] {Role.READ, Role.SUBMIT, Role.ADMIN}) {
      may.put(r.wire(), key == null ? keys.open() : key.allows(r));
    }
    JsonResponses.send(ctx, 200, new JsonObject().put("keys_required", !keys.open())
        .put("key", key == null ? null : key.name()).put("may", may));
  }
}
