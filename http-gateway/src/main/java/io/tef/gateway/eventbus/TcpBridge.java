package io.tef.gateway.eventbus;

import io.tef.gateway.access.KeyCheck;
import io.tef.core.config.TefConfig;
import io.tef.protocol.json.StrictJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The TCP event-bus bridge: Vert.x's bridge protocol (a 4-byte big-endian length, then a JSON
 * frame), so any client of that protocol works, in any language. TEF reads the protocol itself
 * rather than through vertx-tcp-eventbus-bridge, whose reader has no bound on a frame's length
 * (one client could fill the heap), logs an error for every malformed frame and closes the
 * connection on an unknown type: here each gets an {@code err} frame naming the field, and the
 * permissions are TEF's roles ({@link BridgeRule}) rather than address patterns alone.
 */
public final class TcpBridge {

  private final Vertx vertx;
  private final TefConfig.TcpBridge config;
  private final TefConfig.Tls tls;
  private final StrictJson json;
  private final KeyCheck keys;
  private NetServer server;

  /** {@code tls}: the gateway's certificate; when it is set the bridge speaks TLS too. */
  public TcpBridge(Vertx vertx, TefConfig.TcpBridge config, TefConfig.Tls tls, StrictJson json, KeyCheck keys) {
    this.vertx = vertx;
    this.config = config;
    this.tls = tls;
    this.json = json;
    this.keys = keys;
  }

  /** Listens; the port it listens on. */
  public Future<Integer> listen() {
    NetServerOptions options = new NetServerOptions().setHost(config.host()).setPort(config.port());
    if (tls.enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()));
    }
    server = vertx.createNetServer(options);
    server.connectHandler(socket -> new BridgeConnection(vertx, socket, json, keys, config.maxInFlight()));
    return server.listen().map(NetServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
