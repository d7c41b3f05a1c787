package io.tef.node;

import io.tef.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;

/**
 * A worker written against the bare event bus, no SDK: the test decides what it reports and
 * when. It registers (saying it takes abandon, unless made with {@link #notTakingAbandon}),
 * heartbeats, accepts every message and queues it for the test to read.
 */
final class BareWorker implements AutoCloseable {

  private final Vertx vertx;
  private final String name;
  private final MessageConsumer<JsonObject> consumer;
  private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  /** guid#attempt to the attempt_token its dispatch carried. */
  private final java.util.Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();
  private final long heartbeat;

  BareWorker(TefNode node, String name, String... taskTypes) throws Exception {
    this(node, name, true, taskTypes);
  }

  /** One that registers without {@code takes_abandon}: the dispatcher must never send it an abandon. */
  static BareWorker notTakingAbandon(TefNode node, String name, String... taskTypes) throws Exception {
    return new BareWorker(node, name, false, taskTypes);
  }

  private BareWorker(TefNode node, String name, boolean takesAbandon, String... taskTypes) throws Exception {
    this.vertx = node.vertx();
    this.name = name;
    consumer = vertx.eventBus().consumer(Addresses.worker(name), m -> {
      m.reply(new JsonObject().put("ok", true));
      if (m.body().getValue("attempt_token") instanceof String token) {
        tokens.put(m.body().getJsonObject("task").getString("guid") + "#" + m.body().getInteger("attempt"), token);
      }
      received.add(m.body());
    });
    await(consumer.completion());
    JsonObject status = new JsonObject().put("name", name).put("instance", "bare-1").put("status", "idle");
    JsonObject registration = new JsonObject().put("name", name).put("instance", "bare-1")
        .put("task_types", new JsonArray(java.util.List.of((Object[]) taskTypes)));
    if (takesAbandon) {
      registration.put("takes_abandon", true);
    }
    await(vertx.eventBus().request(Addresses.REGISTRY_REGISTER, registration));
    heartbeat = vertx.setPeriodic(100, id -> vertx.eventBus().request(Addresses.COLLECTIVE_STATUS, status));
  }

  /** The next message the dispatcher sent this worker (a task or an abandon). */
  JsonObject next() throws InterruptedException {
    JsonObject m = received.poll(15, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("worker " + name + " received nothing within 15 s");
    }
    return m;
  }

  /** A report as a worker sends it, with the token the dispatch of that attempt carried (none if it never came). */
  JsonObject report(String guid, int attempt, String event, Object result) {
    return new JsonObject().put("guid", guid).put("attempt", attempt).put("worker", name).put("event", event).put("result", result)
        .put("attempt_token", tokens.get(guid + "#" + attempt));
  }

  @Override
  public void close() throws Exception {
    vertx.cancelTimer(heartbeat);
    await(consumer.unregister());
  }
}
