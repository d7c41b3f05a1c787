package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/** Listens on tef.events.tasks so tests await a task's end instead of polling or sleeping. */
final class TerminalEvents {

  private final Map<String, Promise<JsonObject>> byGuid = new HashMap<>();
  private final MessageConsumer<JsonObject> consumer;

  private TerminalEvents(Vertx vertx) {
    consumer = vertx.eventBus().consumer(Addresses.EVENTS_TASKS, m -> {
      String guid = m.body().getString("guid");
      synchronized (this) {
        promise(guid).tryComplete(m.body());
      }
    });
  }

  static TerminalEvents listen(TefNode node) throws Exception {
    TerminalEvents events = new TerminalEvents(node.vertx());
    TestNodes.await(events.consumer.completion());
    return events;
  }

  synchronized Future<JsonObject> of(String guid) {
    return promise(guid).future();
  }

  JsonObject await(String guid) throws Exception {
    return TestNodes.await(of(guid));
  }

  private Promise<JsonObject> promise(String guid) {
    return byGuid.computeIfAbsent(guid, g -> Promise.promise());
  }
}
