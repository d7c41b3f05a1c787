package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.gateway.access.FailedAttempts;
import io.tef.gateway.access.KeyCheck;
import io.tef.gateway.eventbus.SockJsBridge;
import io.tef.gateway.eventbus.TcpBridge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST door. Translates HTTP to the same core messages the event bus carries; it opens no store client. */
public final class HttpGatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGatewayVerticle.class);

  private HttpServer server;
  private TcpBridge tcpBridge;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    Router router = Router.router(vertx);
    JsonResponses.install(router, new io.tef.protocol.json.StrictJson(config.limits().json()));
    // Before any body is read or any route runs: the origin, then the key, then JSON-only changes.
    router.route().handler(new Origins(config.http().allowedOrigins()));
    KeyCheck keys = new KeyCheck(config.auth().keyRing(), FailedAttempts.of(vertx, config.auth().maxFailuresPerMinute()), "");
    router.route().handler(new Access(keys, new RouteRoles(java.util.Set.copyOf(config.tasker().taskTypes()))));
    router.route("/api/*").handler(new JsonBodies());
    router.get("/health").handler(QueryParams.NONE).handler(Health.handler(vertx));
    KeyCheck bridgeKeys = keys.at("put it in each message's headers as api-key");
    router.route("/eventbus/*").subRouter(SockJsBridge.router(vertx, bridgeKeys));
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
    // No h2c upgrade: TEF speaks HTTP/1.1, and the upgrade path answers refusals in plain text before any route.
    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port())
        .setHttp2ClearTextEnabled(false);
    if (config.http().tls().enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(config.http().tls().cert()).setKeyPath(config.http().tls().key()));
    }
    Future<?> tcp = Future.succeededFuture();
    if (config.eventbus().tcpBridge().enabled()) {
      tcpBridge = new TcpBridge(vertx, config.eventbus().tcpBridge(), config.http().tls(), new io.tef.protocol.json.StrictJson(config.limits().json()), bridgeKeys);
      tcp = tcpBridge.listen().onSuccess(port -> {
        vertx.sharedData().getLocalMap(NodeInfo.MAP).put(NodeInfo.TCP_BRIDGE_PORT, port);
        LOG.info("TCP event-bus bridge listening on {}:{}", config.eventbus().tcpBridge().host(), port);
      });
    }
    return tcp.compose(v -> vertx.createHttpServer(options)
        .requestHandler(router)
        .invalidRequestHandler(JsonResponses.invalidRequests(options))
        .listen()
        .onSuccess(s -> {
          server = s;
          vertx.sharedData().getLocalMap(NodeInfo.MAP).put(NodeInfo.HTTP_PORT, s.actualPort());
          LOG.info("HTTP gateway listening on {}://{}:{}", config.http().tls().enabled() ? "https" : "http", config.http().host(), s.actualPort());
        }));
  }

  @Override
  public Future<?> stop() {
    Future<Void> tcp = tcpBridge == null ? Future.succeededFuture() : tcpBridge.close();
    return server == null ? tcp : tcp.compose(v -> server.close());
  }
}
