package io.tef.gateway;

import io.tef.core.NodeInfo;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import io.tef.gateway.access.FailedAttempts;
import io.tef.gateway.access.KeyCheck;
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
  private ReadinessLog readiness;
  private io.tef.gateway.live.Activity activity;

  @Override
  public Future<?> start() {
    TefConfig config = ConfigLoader.fromJson(config());
    KeyCheck keys = new KeyCheck(config.auth().keyRing(), FailedAttempts.of(vertx, config.auth().maxFailuresPerMinute()), "");
    KeyCheck bridgeKeys = keys.at("put it in each message's headers as api-key");
    io.vertx.ext.healthchecks.HealthChecks checks = Health.readiness(vertx, config);
    activity = new io.tef.gateway.live.Activity(vertx);
    Router router = GatewayRouter.build(vertx, config, keys, bridgeKeys, checks, activity);
    readiness = new ReadinessLog(vertx, checks);
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
    return tcp.compose(v -> activity.start()).compose(v -> vertx.createHttpServer(options)
        .requestHandler(router)
        .invalidRequestHandler(JsonResponses.invalidRequests(options))
        .listen()
        .onSuccess(s -> {
          server = s;
          vertx.sharedData().getLocalMap(NodeInfo.MAP).put(NodeInfo.HTTP_PORT, s.actualPort());
          LOG.info("HTTP gateway listening on {}://{}:{}", config.http().tls().enabled() ? "https" : "http", config.http().host(), s.actualPort());
          readiness.start();
        }));
  }

  @Override
  public Future<?> stop() {
    if (readiness != null) {
      readiness.stop();
    }
    if (activity != null) {
      activity.stop();
    }
    Future<Void> tcp = tcpBridge == null ? Future.succeededFuture() : tcpBridge.close();
    return server == null ? tcp : tcp.compose(v -> server.close());
  }
}
