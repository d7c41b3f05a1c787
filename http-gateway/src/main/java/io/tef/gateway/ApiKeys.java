package io.tef.gateway;

import io.tef.core.config.TefConfig;
import io.tef.protocol.ErrorBody;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Guards the worker REST door: a request passes with one of {@code auth.api_keys} as
 * {@code ?api-key=K} (wokmanager's form) or an {@code x-api-key} header. With no key configured
 * the door is closed: an open door would let anyone on the network write worker records.
 */
final class ApiKeys implements Handler<RoutingContext> {

  static final String CLOSED = "the worker door is closed: no API keys are configured; set auth.api_keys in the configuration"
      + " or TEF_API_KEYS=key1,key2 in the node's environment";

  private final List<byte[]> keys;

  ApiKeys(TefConfig.Auth auth) {
    this.keys = auth.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.queryParams().get("api-key");
    if (given == null) {
      given = ctx.request().getHeader("x-api-key");
    }
    String refusal = keys.isEmpty() ? CLOSED
        : given == null || given.isEmpty() ? "an API key is required: add ?api-key=K or an x-api-key header"
        : accepted(given) ? null : "the API key is not accepted";
    if (refusal == null) {
      ctx.next();
    } else {
      ctx.response().putHeader("www-authenticate", "ApiKey");
      JsonResponses.send(ctx, 401, ErrorBody.of(refusal, "api-key"));
    }
  }

  /** Compares with every key in constant time, so timing tells nothing about a key. */
  private boolean accepted(String given) {
    byte[] g = given.getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (byte[] k : keys) {
      ok |= MessageDigest.isEqual(k, g);
    }
    return ok;
  }
}
