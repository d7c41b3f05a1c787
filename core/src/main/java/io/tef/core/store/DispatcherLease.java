package io.tef.core.store;

import io.tef.protocol.json.IsoInstants;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A dispatcher instance saying it is alive: renewed every few seconds, deleted on a graceful
 * stop. A lease not renewed within its time to live, or whose process is gone from this host,
 * belongs to a dead dispatcher whose tasks another may take over.
 */
public record DispatcherLease(String instance, String node, String host, long pid, Instant seenAt) {

  public JsonObject toDocument() {
    return new JsonObject().put("_id", instance).put("node", node).put("host", host).put("pid", pid)
        .put("seenAt", new JsonObject().put("$date", seenAt.toString()));
  }

  public static DispatcherLease fromDocument(JsonObject d) {
    Instant seen = IsoInstants.stored(d.getValue("seenAt"));
    return new DispatcherLease(d.getString("_id"), d.getString("node"), d.getString("host"), d.getLong("pid", -1L), seen);
  }

  /** Dead: not renewed in time, or its process on this very host has exited. */
  public boolean dead(Instant now, long ttlMs, String thisHost) {
    if (seenAt.plusMillis(ttlMs).isBefore(now)) {
      return true;
    }
    return thisHost.equals(host) && pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
  }
}
