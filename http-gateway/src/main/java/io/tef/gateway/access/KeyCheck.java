package io.tef.gateway.access;

import io.tef.core.auth.ApiKey;
import io.tef.core.auth.KeyRing;
import io.tef.core.auth.Role;
import io.tef.protocol.ValidationException;

/**
 * The one key check of every door of the gateway: REST requests and bridge messages alike. A
 * missing or unknown key is 401 (counted per client address), a key whose roles do not allow
 * the request or that may not speak for the worker named is 403, and an address past
 * {@code auth.max_failures_per_minute} is 429 until its minute is over. With no keys configured
 * the doors are open, which the configuration allows on loopback only or with {@code auth.open}.
 */
public final class KeyCheck {

  private final KeyRing keys;
  private final FailedAttempts failures;
  /** How this door takes a key, for the 401 that asks for one. */
  private final String howToSend;

  public KeyCheck(KeyRing keys, FailedAttempts failures, String howToSend) {
    this.keys = keys;
    this.failures = failures;
    this.howToSend = howToSend;
  }

  /** The same keys and counter, asked for in another door's words. */
  public KeyCheck at(String otherHowToSend) {
    return new KeyCheck(keys, failures, otherHowToSend);
  }

  /** No keys configured: every door but the worker door is open. */
  public boolean open() {
    return keys.isEmpty();
  }

  /** Milliseconds until {@code client} may try again, or 0. */
  public long blockedFor(String client) {
    return failures.blockedFor(client, System.currentTimeMillis());
  }

  /**
   * The key that allows {@code what} (null on open doors); {@link ValidationException} 401, 403
   * or 429 naming {@code api-key} otherwise.
   *
   * @param workerName the worker name the request speaks for, bound by a worker key; null for none
   */
  public ApiKey check(String given, Role role, String workerName, String client, String what) {
    if (keys.isEmpty()) {
      return null;
    }
    long now = System.currentTimeMillis();
    long blocked = failures.blockedFor(client, now);
    if (blocked > 0) {
      throw new ValidationException(429, "api-key", "too many requests with a wrong or missing API key from " + client
          + "; try again in " + (blocked + 999) / 1000 + " s");
    }
    ApiKey key = keys.find(given);
    if (key == null) {
      String why = given == null || given.isEmpty() ? "an API key is required: " + howToSend : "the API key is not accepted";
      failures.record(client, now, why, what);
      throw new ValidationException(401, "api-key", why);
    }
    if (!key.allows(role)) {
      throw new ValidationException(403, "api-key", "the API key '" + key.name() + "' has the roles " + key.roleNames() + "; " + what
          + " needs " + role.wire());
    }
    if (workerName != null && !key.mayUseWorkerName(workerName)) {
      throw new ValidationException(403, "api-key", "the API key '" + key.name() + "' may not speak for worker '" + workerName + "'");
    }
    return key;
  }
}
