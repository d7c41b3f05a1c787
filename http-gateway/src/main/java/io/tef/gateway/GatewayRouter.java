package io.tef.gateway;

import io.tef.core.config.TefConfig;
import io.tef.gateway.access.KeyCheck;
import io.tef.gateway.eventbus.SockJsBridge;
import io.tef.protocol.json.StrictJson;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Every route of the REST door, in the order they run: origin, key, JSON-only changes, then the
 * routes. One place, so that what the gateway serves can be read off (and checked against
 * {@code openapi/tef.yaml}, the contract at {@code GET /api/openapi.yaml}).
 */
final class GatewayRouter {

  private GatewayRouter() {
  }

  static Router build(Vertx vertx, TefConfig config, KeyCheck keys, KeyCheck bridgeKeys, io.vertx.ext.healthchecks.HealthChecks readiness,
                      io.tef.gateway.live.Activity activity) {
    Router router = Router.router(vertx);
    JsonResponses.install(router, new StrictJson(config.limits().json()));
    // Before any body is read or any route runs: the origin, then the key, then JSON-only changes.
    router.route().handler(new Origins(config.http().allowedOrigins()));
    router.route().handler(new Access(keys, new RouteRoles(java.util.Set.copyOf(config.tasker().taskTypes()))));
    router.route("/api/*").handler(new JsonBodies());
    router.get("/health/live").handler(QueryParams.NONE).handler(Health.live(vertx));
    io.vertx.ext.web.healthchecks.HealthCheckHandler ready = Health.ready(readiness);
    router.get("/health/ready").handler(QueryParams.NONE).handler(ready);
    router.get("/health").handler(QueryParams.NONE).handler(ready);
    router.get("/metrics").handler(QueryParams.NONE).handler(new MetricsRoute(vertx));
    router.get("/api/openapi.json").handler(QueryParams.NONE).handler(new OpenApiRoute(vertx));
    router.route("/eventbus/*").subRouter(SockJsBridge.router(vertx, bridgeKeys));
    router.get("/api/access").handler(QueryParams.NONE).handler(new AccessRoute(keys));
    router.get("/api/events").handler(QueryParams.NONE).handler(new io.tef.gateway.live.EventStream(activity));
    io.tef.gateway.ui.Dashboard.mount(vertx, router);
    new TaskRoutes(vertx, config.restBodyLimit()).mount(router);
    new DispatcherRoutes(vertx).mount(router);
    new SuiteRoutes(vertx).mount(router);
    CatalogRoutes.resources(vertx).mount(router);
    CatalogRoutes.taskTypes(vertx).mount(router);
    new ClusterRoutes(vertx).mount(router);
    new WorkerRoutes(vertx).mount(router);
    new WokmanagerRoutes(vertx).mount(router);
    new TaskerRoutes(vertx, config.tasker(), config.restBodyLimit()).mount(router);
    Methods.install(router);
    return router;
  }
}
