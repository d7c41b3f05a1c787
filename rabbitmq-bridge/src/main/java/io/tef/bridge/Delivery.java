package io.tef.bridge;

import com.rabbitmq.client.BasicProperties;
import io.vertx.rabbitmq.RabbitMQMessage;

/**
 * A message the bridge received, with the connection it came on: its delivery tag means
 * something only on that connection (after a reconnect the broker delivers it again).
 */
record Delivery(int connection, String queue, RabbitMQMessage message) {

  long tag() {
    return message.envelope().getDeliveryTag();
  }

  BasicProperties properties() {
    return message.properties();
  }

  String replyTo() {
    BasicProperties p = message.properties();
    return p == null || p.getReplyTo() == null || p.getReplyTo().isBlank() ? null : p.getReplyTo();
  }

  String correlationId() {
    BasicProperties p = message.properties();
    return p == null ? null : p.getCorrelationId();
  }
}
