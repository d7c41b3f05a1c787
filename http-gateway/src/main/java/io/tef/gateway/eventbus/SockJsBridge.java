package io.tef.gateway.eventbus;

import io.tef.gateway.access.KeyCheck;
import io.tef.core.auth.Role;
import io.tef.protocol.ValidationException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;

import java.util.List;

/**
 * The SockJS event-bus bridge at {@code /eventbus}, for web pages and Vert.x's JavaScript client
 * ({@code @vertx/eventbus-bridge-client.js}). A page listens to TEF's events and, when its key's
 * role allows, submits, queries, cancels and controls suites; no worker address is open here.
 * The key travels in each message's {@code api-key} header (the client's {@code defaultHeaders}),
 * is checked by the same {@link BridgeRule} table and {@link KeyCheck} as the TCP bridge, and is
 * taken out before the message goes on. A refusal answers the request (or the registration's
 * handler) with {@code failureCode} 401 / 403 and TEF's {@code {"error", "field"}} as the message.
 */
public final class SockJsBridge {

  private static final List<String> SENDABLE = BridgeRule.CLIENT_SENDS;
  private static final List<String> LISTENABLE = BridgeRule.EVENTS;

  private SockJsBridge() {
  }

  public static Router router(Vertx vertx, KeyCheck keys) {
    SockJSBridgeOptions options = new SockJSBridgeOptions().setMaxAddressLength(500).setMaxHandlersPerSocket(64);
    SENDABLE.forEach(a -> options.addInboundPermitted(new PermittedOptions().setAddress(a)));
    LISTENABLE.forEach(a -> options.addOutboundPermitted(new PermittedOptions().setAddress(a)));
    return SockJSHandler.create(vertx).bridge(options, event -> check(event, keys));
  }

  private static void check(BridgeEvent event, KeyCheck keys) {
    BridgeEventType type = event.type();
    if (type != BridgeEventType.SEND && type != BridgeEventType.PUBLISH && type != BridgeEventType.REGISTER) {
      event.complete(true);
      return;
    }
    JsonObject raw = event.getRawMessage();
    String address = raw.getValue("address") instanceof String a ? a : "";
    String replyAddress = raw.getValue("replyAddress") instanceof String r ? r : null;
    JsonObject headers = raw.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    try {
      BridgeRule rule = type == BridgeEventType.SEND ? BridgeRule.send(address, raw.getValue("body"))
          : type == BridgeEventType.REGISTER ? BridgeRule.register(address) : null;
      if (rule == null || rule.role() == Role.WORKER) {
        throw new ValidationException(403, "address", type == BridgeEventType.PUBLISH ? "publish is not open on this bridge"
            : "'" + address + "' cannot be reached from a web page; " + (type == BridgeEventType.REGISTER ? "listen to one of " + LISTENABLE
            : "send to one of " + SENDABLE));
      }
      Object key = headers.remove("api-key");
      if (type == BridgeEventType.SEND) {
        raw.put("headers", headers.put(io.tef.protocol.Addresses.DOOR_HEADER, "sockjs"));
      }
      String client = event.socket().remoteAddress() == null ? "unknown" : event.socket().remoteAddress().host();
      keys.check(key instanceof String k ? k : null, rule.role(), rule.workerName(), client, type.name().toLowerCase(java.util.Locale.ROOT) + " " + address);
      event.complete(true);
    } catch (ValidationException e) {
      // Answered here, to the request or the handler the client waits on, with TEF's words; the
      // event is left open so the bridge adds no second, vaguer "rejected".
      JsonObject err = new JsonObject().put("type", "err").put("failureCode", e.status()).put("failureType", "RECIPIENT_FAILURE")
          .put("message", e.toJson().encode());
      String to = type == BridgeEventType.REGISTER ? address : replyAddress;
      if (to != null) {
        err.put("address", to);
      }
      event.socket().write(Buffer.buffer(err.encode()));
    }
  }
}
