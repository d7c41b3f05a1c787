package io.tef.gateway.eventbus;

import io.tef.gateway.access.KeyCheck;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.Replies;
import io.tef.protocol.ValidationException;
import io.tef.protocol.bridge.BridgeFrames;
import io.tef.protocol.json.StrictJson;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.tef.protocol.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One client of the TCP bridge. Frames are read in order, one at a time: a frame that waits (a
 * handler being registered across the cluster) holds the ones after it, and a connection with
 * {@code max_in_flight} unanswered requests, or sending more than ten times that many frames a
 * second, is not read until it is below again, so a flooding client is slowed, not the node.
 * Every refusal is an {@code err} frame naming the field; only a frame too long to be read (its
 * length beyond {@code limits.max_bytes}) closes the connection, since nothing after it can be found.
 */
final class BridgeConnection {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BridgeConnection.class);

  /** How long a message the client received may wait for its reply before it is forgotten. */
  private static final long REPLY_WAIT_MS = 120_000;
  private static final long MAX_TIMEOUT_MS = 300_000;
  private static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final NetSocket socket;
  private final StrictJson json;
  private final KeyCheck keys;
  private final int maxInFlight;
  private final String client;
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  private final Map<String, Message<Object>> awaitingReply = new HashMap<>();
  private final ArrayDeque<Buffer> frames = new ArrayDeque<>();
  private boolean waiting;
  private boolean closed;
  private int inFlight;
  private long windowStart;
  private int windowFrames;
  private boolean paused;
  private boolean rateTimer;

  BridgeConnection(Vertx vertx, NetSocket socket, StrictJson json, KeyCheck keys, int maxInFlight) {
    this.vertx = vertx;
    this.socket = socket;
    this.json = json;
    this.keys = keys;
    this.maxInFlight = maxInFlight;
    this.client = socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().host();
    socket.handler(BridgeFrames.reader(json.limits().maxBytes(), f -> {
      frames.add(f);
      drain();
    }, length -> {
      send(err(null, null, "a frame of " + length + " bytes is longer than limits.max_bytes (" + json.limits().maxBytes()
          + "); the connection is closed, as nothing after it can be read"));
      socket.end();
    }));
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(err -> {
      LOG.info("TCP bridge connection from {} closed: {}", client, err.toString());
      socket.close();
    });
  }

  /** Handles the frames read so far, in order, until one has to wait or the connection is at its bounds. */
  private void drain() {
    while (!waiting && !closed && !frames.isEmpty() && inFlight < maxInFlight && !overRate()) {
      countFrame();
      try {
        frame(frames.poll());
      } catch (ValidationException e) {
        send(err(null, e, e.getMessage()));
      }
    }
    throttle();
  }

  private void frame(Buffer raw) {
    Object parsed;
    try {
      parsed = json.read(raw);
    } catch (ValidationException e) {
      send(err(null, e, e.getMessage()));
      return;
    }
    BridgeFrame f = BridgeFrame.parse(parsed);
    switch (f.type()) {
      case "ping" -> send(new JsonObject().put("type", "pong"));
      case "send" -> sendFrame(f);
      case "publish" -> throw new ValidationException(403, "type", "publish is not open on this bridge: TEF publishes its events itself;"
          + " send a request to one of " + BridgeRule.sendable());
      case "register" -> register(f);
      case "unregister" -> unregister(f);
      default -> throw new IllegalStateException("BridgeFrame.parse admits no type " + f.type());
    }
  }

  private void sendFrame(BridgeFrame f) {
    Message<Object> received = f.replyAddress() == null ? awaitingReply.remove(f.address()) : null;
    if (received != null) {
      // The client's answer to a message it was sent (a worker taking a dispatch): the address is
      // known to this connection only, so it needs no key.
      if (f.failureCode() != null) {
        received.fail(f.failureCode(), f.failureMessage());
      } else {
        received.reply(f.body(), f.delivery(DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS));
      }
      return;
    }
    BridgeRule rule = BridgeRule.send(f.address(), f.body());
    try {
      if (rule == null) {
        throw new ValidationException(403, "address", "'" + f.address() + "' cannot be reached through the bridge; one of " + BridgeRule.sendable()
            + ", or the replyAddress of a message this connection received");
      }
      keys.check(f.apiKey(), rule.role(), rule.workerName(), client, "send to " + f.address());
    } catch (ValidationException e) {
      send(f.replyAddress() == null ? err(null, e, e.getMessage()) : failedReply(f.replyAddress(), e.status(), "RECIPIENT_FAILURE", e.toJson().encode()));
      return;
    }
    DeliveryOptions options = f.delivery(DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
    if (options.getHeaders() != null) {
      options.getHeaders().remove(Addresses.DOOR_HEADER);
    }
    options.addHeader(Addresses.DOOR_HEADER, "tcp_bridge");
    if (f.replyAddress() == null) {
      vertx.eventBus().send(f.address(), f.body(), options);
      return;
    }
    inFlight++;
    vertx.eventBus().request(f.address(), f.body(), options).onComplete(ar -> {
      inFlight--;
      if (closed) {
        return;
      }
      vertx.runOnContext(v -> drain()); // the frames held back by the bound, after this answer is written
      if (ar.succeeded()) {
        send(message(f.replyAddress(), ar.result(), true));
      } else {
        ReplyException r = ar.cause() instanceof ReplyException re ? re : null;
        send(failedReply(f.replyAddress(), r == null ? 500 : r.failureCode(), r == null ? "RECIPIENT_FAILURE" : r.failureType().name(),
            r != null && r.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE ? r.getMessage() : Replies.errorBody(ar.cause()).encode()));
      }
    });
  }

  private void register(BridgeFrame f) {
    BridgeRule rule = BridgeRule.register(f.address());
    if (rule == null) {
      throw new ValidationException(403, "address", "no handler can be registered on '" + f.address() + "' through the bridge; one of "
          + BridgeRule.registrable());
    }
    keys.check(f.apiKey(), rule.role(), rule.workerName(), client, "register on " + f.address());
    if (consumers.containsKey(f.address())) {
      return; // registered already: one handler per address and connection
    }
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(f.address(), m -> {
      if (m.replyAddress() != null) {
        awaitingReply.put(m.replyAddress(), m);
        vertx.setTimer(REPLY_WAIT_MS, id -> awaitingReply.remove(m.replyAddress()));
      }
      send(message(f.address(), m, m.isSend()));
    });
    consumers.put(f.address(), consumer);
    // Frames after this one wait until the handler is known across the cluster: a worker that
    // registers its name next must not be sent a task before its address exists.
    waiting = true;
    consumer.completion().onComplete(ar -> {
      waiting = false;
      if (ar.failed()) {
        consumers.remove(f.address());
        send(err(f.address(), null, "the handler on " + f.address() + " could not be registered: " + ar.cause().getMessage()));
      }
      drain();
    });
  }

  private void unregister(BridgeFrame f) {
    MessageConsumer<Object> consumer = consumers.remove(f.address());
    if (consumer == null) {
      throw new ValidationException(404, "address", "this connection has no handler on '" + f.address() + "'");
    }
    consumer.unregister();
  }

  private void countFrame() {
    long now = System.currentTimeMillis();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowFrames = 0;
    }
    windowFrames++;
  }

  private boolean overRate() {
    return windowFrames >= maxInFlight * 10L && System.currentTimeMillis() - windowStart < 1000;
  }

  /**
   * Stops reading the socket while frames wait here (too many requests unanswered, or the frame
   * rate over its bound), so TCP holds the client back; reads again once they are handled.
   */
  private void throttle() {
    if (closed) {
      return;
    }
    boolean hold = !frames.isEmpty() || inFlight >= maxInFlight;
    if (hold && !paused) {
      paused = true;
      socket.pause();
    } else if (!hold && paused) {
      paused = false;
      socket.resume();
    }
    if (!frames.isEmpty() && overRate() && !rateTimer) {
      rateTimer = true;
      vertx.setTimer(Math.max(1, 1000 - (System.currentTimeMillis() - windowStart)), id -> {
        rateTimer = false;
        drain();
      });
    }
  }

  private void closed() {
    closed = true;
    consumers.values().forEach(MessageConsumer::unregister);
    consumers.clear();
    // A dispatch this client never answered is refused now rather than timed out later.
    awaitingReply.values().forEach(m -> m.fail(503, ErrorBody.of("the bridge connection of the receiver closed", null).encode()));
    awaitingReply.clear();
  }

  private JsonObject message(String address, Message<Object> m, boolean send) {
    JsonObject headers = new JsonObject();
    m.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
    if (m.replyAddress() != null && !address.equals(m.address())) {
      awaitingReply.put(m.replyAddress(), m);
    }
    JsonObject frame = new JsonObject().put("type", "message").put("address", address).put("headers", headers)
        .put("body", m.body()).put("send", send);
    if (m.replyAddress() != null) {
      frame.put("replyAddress", m.replyAddress());
    }
    return frame;
  }

  private static JsonObject failedReply(String replyAddress, int code, String type, String message) {
    return new JsonObject().put("type", "err").put("address", replyAddress).put("failureCode", code)
        .put("failureType", type).put("message", message);
  }

  private static JsonObject err(String address, ValidationException e, String message) {
    JsonObject frame = new JsonObject().put("type", "err").put("message", message);
    if (e != null && e.field() != null) {
      frame.put("field", e.field());
    }
    if (e != null) {
      frame.put("status", e.status());
    }
    if (address != null) {
      frame.put("address", address);
    }
    return frame;
  }

  private void send(JsonObject frame) {
    if (closed) {
      return;
    }
    socket.write(BridgeFrames.frame(frame));
  }
}
