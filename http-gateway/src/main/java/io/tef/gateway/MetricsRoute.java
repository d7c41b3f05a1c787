package io.tef.gateway;

import io.tef.core.metrics.NodeMetrics;
import io.tef.protocol.ValidationException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: this node's registry in Prometheus's text format (each node is scraped on
 * its own; counters of tasks are kept by the dispatcher that answers for them, so a sum over nodes
 * is the cluster's). Rendered on a worker thread: a scrape walks every series.
 */
final class MetricsRoute implements Handler<RoutingContext> {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;

  MetricsRoute(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    NodeMetrics metrics = NodeMetrics.of(vertx);
    if (!metrics.enabled()) {
      ctx.fail(new ValidationException(404, "metrics.enabled", "metrics are off on this node (metrics.enabled: false)"));
      return;
    }
    vertx.executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("content-type", CONTENT_TYPE).end(text))
        .onFailure(ctx::fail);
  }
}
