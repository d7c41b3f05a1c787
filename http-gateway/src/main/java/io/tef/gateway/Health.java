package io.tef.gateway;

import io.tef.core.store.TaskStore;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/** {@code GET /health}: 200 when the store answers, 503 otherwise. */
final class Health {

  static HealthCheckHandler handler(Vertx vertx, TaskStore store) {
    return HealthCheckHandler.create(vertx)
        .register("store", 2000, promise -> store.find("health-check-probe")
            .onSuccess(t -> promise.complete(Status.OK()))
            .onFailure(err -> promise.complete(Status.KO())));
  }

  private Health() {
  }
}
