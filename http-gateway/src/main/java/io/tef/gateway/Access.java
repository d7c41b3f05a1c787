package io.tef.gateway;

import io.tef.core.auth.ApiKey;
import io.tef.core.auth.KeyRing;
import io.tef.core.auth.Role;
import io.tef.protocol.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The key check in front of every route. A key comes as an {@code x-api-key} header or
 * {@code Authorization: Bearer <key>} ({@code ?api-key=K} too on wokmanager's {@code /worker/*},
 * as its clients send it). Missing or wrong: 401; a key whose roles do not allow the request:
 * 403; too many failures from one address: 429. With no keys configured {@code /api} is open (the
 * configuration allows that only on loopback or with {@code auth.open}) and the worker door is closed.
 */
final class Access implements Handler<RoutingContext> {

  /** Where the accepted key sits in the routing context, for routes that bind names to it. */
  static final String KEY = "tef.api-key";

  static final String CLOSED = "the worker door is closed: no API keys are configured; set auth.api_keys in the configuration"
      + " or TEF_API_KEYS=key1,key2 in the node's environment";

  private final KeyRing keys;
  private final RouteRoles roles;
  private final FailedAttempts failures;

  Access(KeyRing keys, RouteRoles roles, FailedAttempts failures) {
    this.keys = keys;
    this.roles = roles;
    this.failures = failures;
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
    if (needed == null || keys.isEmpty() && needed != Role.WORKER) {
      ctx.next();
      return;
    }
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    long now = System.currentTimeMillis();
    long blocked = failures.blockedFor(address, now);
    if (blocked > 0) {
      ctx.response().putHeader("retry-after", String.valueOf((blocked + 999) / 1000));
      JsonResponses.send(ctx, 429, ErrorBody.of("too many requests with a wrong or missing API key from " + address + "; try again in "
          + (blocked + 999) / 1000 + " s", "api-key"));
      return;
    }
    String given = given(ctx, needed == Role.WORKER);
    ApiKey key = keys.find(given);
    if (key == null) {
      String why = keys.isEmpty() ? CLOSED
          : given == null || given.isEmpty() ? "an API key is required: send it as an x-api-key header or Authorization: Bearer <key>"
          + (needed == Role.WORKER ? " (or ?api-key=K)" : "")
          : "the API key is not accepted";
      if (!keys.isEmpty()) {
        failures.record(address, now, why, ctx.request().method() + " " + path);
      }
      ctx.response().putHeader("www-authenticate", "ApiKey");
      JsonResponses.send(ctx, 401, ErrorBody.of(why, "api-key"));
      return;
    }
    if (!key.allows(needed)) {
      JsonResponses.send(ctx, 403, ErrorBody.of("the API key '" + key.name() + "' has the roles " + key.roleNames() + "; "
          + ctx.request().method() + " " + path + " needs " + needed.wire(), "api-key"));
      return;
    }
    ctx.put(KEY, key);
    ctx.next();
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
