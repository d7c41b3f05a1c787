package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.core.store.TaskStore;
import io.tef.core.store.mongo.MongoStores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST door. Translates HTTP to the same core messages the event bus carries. */
public final class HttpGatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGatewayVerticle.class);

  private MongoStores stores;
  private HttpServer server;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    stores = MongoStores.shared(vertx, config.mongo().connectionString(), config.mongo().database());
    TaskStore store = stores.tasks();
    Router router = Router.router(vertx);
    JsonResponses.install(router, new io.tef.protocol.json.StrictJson(config.limits().json()));
    router.get("/health").handler(QueryParams.NONE).handler(Health.handler(vertx, store));
    new TaskRoutes(vertx, store, config.restBodyLimit()).mount(router);
    new DispatcherRoutes(vertx).mount(router);
    new SuiteRoutes(vertx, store).mount(router);
    CatalogRoutes.resources(vertx).mount(router);
    CatalogRoutes.taskTypes(vertx).mount(router);
    new ClusterRoutes(vertx).mount(router);
    new WorkerRoutes(vertx).mount(router);
    new WokmanagerRoutes(vertx, config.auth()).mount(router);
    new TaskerRoutes(vertx, config.tasker(), stores.tasker(),
        config.restBodyLimit()).mount(router);
    Methods.install(router);
    // No h2c upgrade: TEF speaks HTTP/1.1, and the upgrade path answers refusals in plain text before any route.
    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port())
        .setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .invalidRequestHandler(JsonResponses.invalidRequests(options))
        .listen()
        .onSuccess(s -> {
          server = s;
          vertx.sharedData().getLocalMap(NodeInfo.MAP).put(NodeInfo.HTTP_PORT, s.actualPort());
          LOG.info("HTTP gateway listening on {}:{}", config.http().host(), s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> stores.close());
  }
}
