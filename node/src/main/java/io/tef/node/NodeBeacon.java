package io.tef.node;

import io.tef.core.NodeInfo;
import io.tef.core.config.TefConfig;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Instant;
import java.util.ArrayList;

/**
 * Keeps this node's entry in the cluster-wide node map: what it runs and how it is, renewed
 * every 2 s with a 6 s time to live, so a node that dies drops out of {@code GET /api/cluster}
 * by itself and one that stops removes its entry at once.
 */
final class NodeBeacon extends VerticleBase {

  static final long RENEW_MS = 2000;
  static final long TTL_MS = 6000;

  private final TefConfig config;
  private final String key;
  private final Instant startedAt = Instant.now();
  private AsyncMap<String, JsonObject> nodes;
  private long timer = -1;

  NodeBeacon(TefConfig config) {
    this.config = config;
    this.key = config.node().name() + "@" + ProcessHandle.current().pid();
  }

  @Override
  public Future<?> start() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(NodeInfo.CLUSTER_MAP).compose(map -> {
      nodes = map;
      timer = vertx.setPeriodic(RENEW_MS, id -> renew());
      return renew();
    });
  }

  private Future<Void> renew() {
    Object port = vertx.sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.HTTP_PORT);
    Object amqp = vertx.sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE);
    JsonObject entry = new JsonObject().put("name", config.node().name()).put("pid", ProcessHandle.current().pid())
        .put("host", config.cluster().host()).put("roles", new JsonArray(new ArrayList<>(config.node().roles())))
        .put("http_port", port instanceof Integer p ? p : null).put("started_at", startedAt.toString())
        .put("seen_at", IsoInstants.format(Instant.now())).put("amqp", amqp == null ? "off" : amqp)
        .put("status", "down".equals(amqp) ? "DEGRADED" : "UP");
    return nodes.put(key, entry, TTL_MS);
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return nodes == null ? Future.succeededFuture() : nodes.remove(key).otherwiseEmpty();
  }
}
