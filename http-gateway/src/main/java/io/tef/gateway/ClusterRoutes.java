package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Comparator;

/** {@code GET /api/cluster}: every live node, its roles and its health, as the nodes themselves keep it. */
final class ClusterRoutes {

  private final Vertx vertx;

  ClusterRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/cluster").handler(QueryParams.NONE).handler(ctx -> vertx.sharedData().<String, JsonObject>getAsyncMap(NodeInfo.CLUSTER_MAP)
        .compose(map -> map.entries())
        .onSuccess(entries -> {
          JsonArray nodes = new JsonArray();
          entries.values().stream().sorted(Comparator.comparing((JsonObject n) -> n.getString("name", "")).thenComparing(n -> n.getLong("pid", 0L)))
              .forEach(nodes::add);
          JsonResponses.send(ctx, 200, new JsonObject().put("clustered", vertx.isClustered()).put("count", nodes.size()).put("nodes", nodes));
        })
        .onFailure(ctx::fail));
  }
}
