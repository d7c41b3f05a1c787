package io.tef.gateway;

import io.tef.core.auth.ApiKey;
import io.tef.core.auth.Role;
import io.tef.gateway.access.KeyCheck;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.ValidationException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The key check in front of every route. A key comes as an {@code x-api-key} header or
 * {@code Authorization: Bearer <key>} ({@code ?api-key=K} too on wokmanager's {@code /worker/*},
 * as its clients send it), and is checked by {@link KeyCheck} for the role {@link RouteRoles}
 * gives the request. With no keys configured {@code /api} is open (the configuration allows that
 * only on loopback or with {@code auth.open}) and the worker door is closed.
 */
final class Access implements Handler<RoutingContext> {

  /** Where the accepted key sits in the routing context, for routes that bind names to it. */
  static final String KEY = "tef.api-key";

  static final String CLOSED = "the worker door is closed: no API keys are configured; set auth.api_keys in the configuration"
      + " or TEF_API_KEYS=key1,key2 in the node's environment";

  private final KeyCheck keys;
  private final KeyCheck workerDoor;
  private final RouteRoles roles;

  Access(KeyCheck keys, RouteRoles roles) {
    this.keys = keys.at("send it as an x-api-key header or Authorization: Bearer <key>");
    this.workerDoor = keys.at("send it as ?api-key=K, an x-api-key header or Authorization: Bearer <key>");
    this.roles = roles;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      ctx.fail(400); // a path that cannot be decoded: answered as the router answers it
      return;
    }
    Role needed = roles.needed(ctx.request().method(), path);
    if (needed == null || keys.open() && needed != Role.WORKER) {
      ctx.next();
      return;
    }
    if (keys.open()) {
      refuse(ctx, new ValidationException(401, "api-key", CLOSED), null);
      return;
    }
    String client = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    try {
      ApiKey key = (needed == Role.WORKER ? workerDoor : keys).check(given(ctx, needed == Role.WORKER), needed, null, client,
          ctx.request().method() + " " + path);
      ctx.put(KEY, key);
      ctx.next();
    } catch (ValidationException e) {
      refuse(ctx, e, client);
    }
  }

  private void refuse(RoutingContext ctx, ValidationException e, String client) {
    if (e.status() == 401) {
      ctx.response().putHeader("www-authenticate", "ApiKey");
    } else if (e.status() == 429) {
      ctx.response().putHeader("retry-after", String.valueOf(Math.max(1, (keys.blockedFor(client) + 999) / 1000)));
    }
    JsonResponses.send(ctx, e.status(), ErrorBody.of(e.getMessage(), e.field()));
  }

  private static String given(RoutingContext ctx, boolean queryToo) {
    String header = ctx.request().getHeader("x-api-key");
    if (header != null) {
      return header;
    }
    String authorization = ctx.request().getHeader("authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return queryToo ? ctx.queryParams().get("api-key") : null;
  }
}
