package io.tef.bridge;

import com.rabbitmq.client.AMQP;
import io.tef.protocol.AmqpNames;
import io.tef.protocol.Replies;
import io.tef.protocol.ErrorBody;
import io.tef.protocol.json.IsoInstants;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How a delivery ends: answered and acknowledged; dead-lettered with its reason (and an error
 * answer) and acknowledged; or given back to its queue after a delay. Nothing is acknowledged
 * before what it promises is done, so nothing is lost silently.
 */
final class Settler {

  private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
  private static final String JSON = "application/json";

  private final Vertx vertx;
  private final BrokerConnection broker;
  private final AmqpNames names;
  private final long requeueDelayMs;
  private final io.tef.protocol.json.StrictJson json;

  private final io.tef.core.metrics.AmqpMetrics deadLetters;

  Settler(Vertx vertx, BrokerConnection broker, AmqpNames names, long requeueDelayMs, io.tef.protocol.json.StrictJson json) {
    this.json = json;
    this.deadLetters = io.tef.core.metrics.NodeMetrics.of(vertx).amqp();
    this.vertx = vertx;
    this.broker = broker;
    this.names = names;
    this.requeueDelayMs = requeueDelayMs;
  }

  /**
   * The delivery's body as a JSON object read by the rules every door shares (size, depth,
   * duplicate keys...), or null when it is not one: then it has been dead-lettered with the reason.
   */
  JsonObject bodyObject(Delivery d) {
    try {
      return json.object(d.message().body(), "not a JSON object: " + preview(d.message().body()));
    } catch (io.tef.protocol.ValidationException e) {
      reject(d, e.getMessage(), e.field());
      return null;
    }
  }

  /** The start of a body for an error message. */
  static String preview(Buffer body) {
    if (body == null || body.length() == 0) {
      return "(empty)";
    }
    String s = body.getString(0, Math.min(body.length(), 80), "UTF-8");
    return body.length() > 80 ? s + "..." : s;
  }

  /** Handled: the answer goes to reply_to (if any) with the same correlation_id, then the ack. */
  Future<Void> answer(Delivery d, JsonObject reply) {
    return replyTo(d, reply).recover(err -> {
      // The answer is a courtesy; the work is done and stored, so the message is still settled.
      LOG.warn("Could not answer to {}: {}", d.replyTo(), err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> broker.ack(d));
  }

  /**
   * Cannot be handled: the original goes to the dead-letter queue with the reason in
   * {@value AmqpNames#REASON_HEADER}, an error answer to reply_to, then the ack. If the dead
   * letter cannot be written, the message goes back to its queue instead.
   */
  Future<Void> reject(Delivery d, String reason, String field) {
    LOG.info("Dead-lettered a message from {}: {}", d.queue(), reason);
    Map<String, Object> headers = new HashMap<>();
    if (d.properties() != null && d.properties().getHeaders() != null) {
      headers.putAll(d.properties().getHeaders());
    }
    headers.put(AmqpNames.REASON_HEADER, reason);
    headers.put(AmqpNames.SOURCE_HEADER, d.queue());
    headers.put("x-tef-at", IsoInstants.format(Instant.now()));
    var p = d.properties();
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .contentType(p == null ? null : p.getContentType())
        .correlationId(p == null ? null : p.getCorrelationId())
        .replyTo(p == null ? null : p.getReplyTo())
        .messageId(p == null ? null : p.getMessageId())
        .type(p == null ? null : p.getType())
        .headers(headers)
        .deliveryMode(2)
        .build();
    return broker.durableQueue(names.deadLetter())
        .compose(v -> broker.publish("", names.deadLetter(), props, d.message().body()))
        .onSuccess(v -> deadLetters.deadLettered())
        .compose(v -> replyTo(d, ErrorBody.of(reason, field)).recover(err -> Future.succeededFuture()))
        .compose(v -> broker.ack(d))
        .recover(err -> {
          LOG.warn("Could not dead-letter a message from {} ({}); it goes back to its queue", d.queue(), err.getMessage());
          later(d);
          return Future.succeededFuture();
        });
  }

  /** Refused by the address that serves it (400 bad input, 404 unknown, 409 stale attempt, ...): dead-lettered with its reason. */
  Future<Void> refused(Delivery d, Throwable err, int status) {
    JsonObject error = Replies.errorBody(err);
    String field = error.getString("field");
    String message = error.getString("error", String.valueOf(err.getMessage()));
    return reject(d, (field == null ? "" : field + ": ") + message + " (" + status + ")", field);
  }

  /** Not now (no dispatcher answers): back to its queue after {@code amqp.requeue_delay_ms}, to be tried again. */
  void later(Delivery d) {
    vertx.setTimer(Math.max(1, requeueDelayMs), id -> broker.requeue(d)
        .onFailure(err -> LOG.debug("Requeue of a delivery failed (its connection is gone; the broker redelivers it): {}", err.getMessage())));
  }

  /** Publishes an answer to reply_to through the default exchange; nothing when the message has none. */
  Future<Void> replyTo(Delivery d, JsonObject reply) {
    String to = d.replyTo();
    if (to == null) {
      return Future.succeededFuture();
    }
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .contentType(JSON).correlationId(d.correlationId()).build();
    return broker.publish("", to, props, Buffer.buffer(reply.encode()));
  }

  static AMQP.BasicProperties persistentJson() {
    return new AMQP.BasicProperties.Builder().contentType(JSON).deliveryMode(2).build();
  }
}
