package io.tef.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Says in the log when this node becomes ready and when it stops being so, with the reason of each
 * failing check, so an operator reading the log learns what {@code /health/ready} would answer.
 */
final class ReadinessLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.tef.health");
  private static final long EVERY_MS = 2000;

  private final Vertx vertx;
  private final HealthChecks checks;
  private long timer = -1;
  private Boolean ready;

  ReadinessLog(Vertx vertx, HealthChecks checks) {
    this.vertx = vertx;
    this.checks = checks;
  }

  void start() {
    look();
    timer = vertx.setPeriodic(EVERY_MS, id -> look());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void look() {
    checks.checkStatus().onSuccess(result -> {
      boolean up = result.getUp();
      if (ready != null && ready == up) {
        return;
      }
      ready = up;
      if (up) {
        LOG.info("Node ready: every readiness check passes");
      } else {
        LOG.warn("Node not ready: {}", reasons(result.toJson()));
      }
    });
  }

  /** "amqp: the AMQP bridge is not connected to its broker; store: ..." from the health-check JSON. */
  static String reasons(JsonObject outcome) {
    List<String> out = new ArrayList<>();
    var checks = outcome.getJsonArray("checks");
    if (checks != null) {
      for (Object o : checks) {
        JsonObject c = (JsonObject) o;
        if (!"UP".equals(c.getString("status"))) {
          JsonObject data = c.getJsonObject("data");
          String reason = data != null && data.getString("reason") != null ? data.getString("reason") : c.getString("status");
          out.add(c.getString("id") + ": " + reason);
        }
      }
    }
    return out.isEmpty() ? "no check answered" : String.join("; ", out);
  }
}
