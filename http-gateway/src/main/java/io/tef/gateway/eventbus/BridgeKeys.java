package io.tef.gateway.eventbus;

import io.tef.core.auth.ApiKey;
import io.tef.core.auth.KeyRing;
import io.tef.protocol.ValidationException;

/**
 * The key check of a bridge frame: the key travels in each frame's {@code api-key} header (a
 * bridge connection is not a login: every frame stands alone, as every REST request does).
 * With no keys configured the bridge is open, which the configuration allows on loopback only
 * or with {@code auth.open}.
 */
public final class BridgeKeys {

  /** Attempts with a wrong or missing key, per client address; the gateway's own counter. */
  public interface Failures {
    long blockedFor(String address, long nowMs);

    void record(String address, long nowMs, String why, String request);
  }

  private final KeyRing keys;
  private final Failures failures;

  public BridgeKeys(KeyRing keys, Failures failures) {
    this.keys = keys;
    this.failures = failures;
  }

  /**
   * The key of a frame, or null on an open bridge; {@link ValidationException} (401, 403, 429)
   * says why the frame may not pass.
   */
  public ApiKey check(String given, BridgeRule rule, String clientAddress, String what) {
    if (keys.isEmpty()) {
      return null;
    }
    long now = System.currentTimeMillis();
    long blocked = failures.blockedFor(clientAddress, now);
    if (blocked > 0) {
      throw new ValidationException(429, "api-key", "too many frames with a wrong or missing API key from " + clientAddress
          + "; try again in " + (blocked + 999) / 1000 + " s");
    }
    ApiKey key = keys.find(given);
    if (key == null) {
      String why = given == null || given.isEmpty() ? "an API key is required: put it in each message's headers as api-key" : "the API key is not accepted";
      failures.record(clientAddress, now, why, what);
      throw new ValidationException(401, "api-key", why);
    }
    if (!key.allows(rule.role())) {
      throw new ValidationException(403, "api-key", "the API key '" + key.name() + "' has the roles " + key.roleNames() + "; " + what
          + " needs " + rule.role().wire());
    }
    if (rule.workerName() != null && !key.mayUseWorkerName(rule.workerName())) {
      throw new ValidationException(403, "api-key", "the API key '" + key.name() + "' may not speak for worker '" + rule.workerName() + "'");
    }
    return key;
  }
}
