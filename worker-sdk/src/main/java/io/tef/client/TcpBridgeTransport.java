package io.tef.client;

import io.tef.protocol.bridge.BridgeFrames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * TEF's TCP event-bus bridge, without joining the cluster: Vert.x's bridge protocol (a 4-byte
 * length, a JSON frame) over one connection, the key in every frame's {@code api-key} header. A
 * registration is confirmed by a ping sent after it: the bridge handles a connection's frames in
 * order, and answers a refused registration with an error before the pong.
 */
final class TcpBridgeTransport implements Transport {

  private final Vertx vertx;
  /** Every field is touched on the connection's context only: calls from elsewhere hop onto it. */
  private final Context context;
  private final NetClient client;
  private final NetSocket socket;
  private final String apiKey;
  private final long timeoutMs;
  private final Map<String, Promise<Object>> replies = new HashMap<>();
  private final Map<String, List<Handler<Object>>> listeners = new HashMap<>();
  private final ArrayDeque<Registration> registrations = new ArrayDeque<>();
  private boolean closed;
  /** Why the connection failed, when it says: for the message of what it fails. */
  private Throwable lastError;

  private static final class Registration {
    final Promise<Subscription> promise = Promise.promise();
    TefException refused;
  }

  private TcpBridgeTransport(Vertx vertx, NetClient client, NetSocket socket, String apiKey, long timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.apiKey = apiKey;
    this.timeoutMs = timeoutMs;
    // The node bounds what it sends by limits.max_bytes; the client takes any length it announces.
    socket.handler(BridgeFrames.reader(Integer.MAX_VALUE, b -> frame(new JsonObject(b)), length -> socket.close()));
    socket.closeHandler(v -> lost());
    socket.exceptionHandler(err -> lastError = err);
  }

  static Future<Transport> connect(Vertx vertx, NetClientOptions options, String host, int port, String apiKey, long timeoutMs) {
    NetClient client = vertx.createNetClient(new NetClientOptions(options).setConnectTimeout((int) Math.min(timeoutMs, Integer.MAX_VALUE)));
    return client.connect(port, host)
        .map(s -> new TcpBridgeTransport(vertx, client, s, apiKey, timeoutMs))
        .compose(TcpBridgeTransport::confirmed)
        .onFailure(err -> client.close())
        .recover(err -> Future.failedFuture(new TefException(503, null, "cannot reach TEF's TCP bridge at " + host + ":" + port + ": " + err.getMessage())));
  }

  /**
   * Ready once the bridge answered a ping: the connection (and its TLS handshake, on both ends)
   * is known to work before the first request rather than found broken by it.
   */
  private Future<Transport> confirmed() {
    Registration r = new Registration();
    registrations.add(r);
    write(new JsonObject().put("type", "ping"));
    long timer = vertx.setTimer(timeoutMs, id -> r.promise.tryFail(new TefException(503, null, "the TCP bridge did not answer a ping within "
        + timeoutMs + " ms")));
    return r.promise.future().onComplete(ar -> vertx.cancelTimer(timer)).map(v -> (Transport) this)
        .onFailure(err -> close());
  }

  @Override
  public Future<Object> request(String address, Object body) {
    return onContext(() -> doRequest(address, body));
  }

  @Override
  public Future<Subscription> listen(String address, Handler<Object> handler) {
    return onContext(() -> doListen(address, handler));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private Future<Object> doRequest(String address, Object body) {
    if (closed) {
      return Future.failedFuture(new TefException(503, null, "the bridge connection is closed"));
    }
    String replyAddress = "tef-client-" + UUID.randomUUID();
    Promise<Object> reply = Promise.promise();
    replies.put(replyAddress, reply);
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (replies.remove(replyAddress) != null) {
        reply.tryFail(new TefException(503, null, "no answer from " + address + " within " + timeoutMs + " ms"));
      }
    });
    write(frame("send", address).put("body", body).put("replyAddress", replyAddress)
        .put("headers", headers().put("timeout", timeoutMs)));
    return reply.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private Future<Subscription> doListen(String address, Handler<Object> handler) {
    if (closed) {
      return Future.failedFuture(new TefException(503, null, "the bridge connection is closed"));
    }
    Registration r = new Registration();
    registrations.add(r);
    List<Handler<Object>> handlers = listeners.computeIfAbsent(address, a -> new ArrayList<>());
    handlers.add(handler);
    write(frame("register", address).put("headers", headers()));
    write(new JsonObject().put("type", "ping"));
    return r.promise.future().<Subscription>map(v -> () -> onContext(() -> {
      handlers.remove(handler);
      if (handlers.isEmpty() && listeners.remove(address) != null && !closed) {
        write(frame("unregister", address).put("headers", headers()));
      }
      return Future.succeededFuture();
    })).onFailure(err -> handlers.remove(handler));
  }

  @Override
  public Future<Void> close() {
    return socket.close().eventually(client::close);
  }

  private void frame(JsonObject f) {
    String type = f.getString("type");
    String address = f.getString("address");
    if ("pong".equals(type)) {
      Registration r = registrations.poll();
      if (r != null) {
        if (r.refused != null) {
          r.promise.tryFail(r.refused);
        } else {
          r.promise.tryComplete(null);
        }
      }
    } else if ("err".equals(type) && address != null && replies.containsKey(address)) {
      replies.remove(address).tryFail(TefException.fromFailure(f.getInteger("failureCode", 500), f.getString("message")));
    } else if ("err".equals(type)) {
      // An error that answers no request: it refused the registration waiting for its pong.
      Registration r = registrations.peek();
      TefException e = new TefException(f.getInteger("status", 400), f.getString("field"), f.getString("message"));
      if (r != null && r.refused == null) {
        r.refused = e;
      }
    } else if ("message".equals(type) && address != null) {
      Promise<Object> reply = replies.remove(address);
      if (reply != null) {
        reply.tryComplete(f.getValue("body"));
      } else {
        List<Handler<Object>> handlers = listeners.get(address);
        if (handlers != null) {
          List.copyOf(handlers).forEach(h -> h.handle(f.getValue("body")));
        }
      }
    }
  }

  private void lost() {
    closed = true;
    TefException e = new TefException(503, null, "the bridge connection closed" + (lastError == null ? "" : ": " + lastError));
    new ArrayList<>(replies.values()).forEach(p -> p.tryFail(e));
    replies.clear();
    registrations.forEach(r -> r.promise.tryFail(e));
    registrations.clear();
  }

  private JsonObject frame(String type, String address) {
    return new JsonObject().put("type", type).put("address", address);
  }

  private JsonObject headers() {
    JsonObject h = new JsonObject();
    if (apiKey != null) {
      h.put("api-key", apiKey);
    }
    return h;
  }

  private void write(JsonObject frame) {
    socket.write(BridgeFrames.frame(frame));
  }
}
