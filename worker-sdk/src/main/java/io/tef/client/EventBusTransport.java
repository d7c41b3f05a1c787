package io.tef.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/** The event bus of a Vert.x that is a member of TEF's cluster (or the node's own). */
final class EventBusTransport implements Transport {

  private final Vertx vertx;
  private final DeliveryOptions options;

  EventBusTransport(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  @Override
  public Future<Object> request(String address, Object body) {
    return vertx.eventBus().request(address, body, options).map(Message::body)
        .recover(err -> Future.failedFuture(TefException.of(err)));
  }

  @Override
  public Future<Subscription> listen(String address, Handler<Object> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, m -> handler.handle(m.body()));
    return consumer.completion().map(v -> consumer::unregister);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
