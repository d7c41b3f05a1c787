package io.tef.bridge;

import io.tef.core.AmqpNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * TEF's keepers: every task that ends (from {@code tef.events.tasks}) is published, persistent
 * and confirmed, to {@code tef.<env>.keeper.<task_type>} (declared durable on first use). One at
 * a time in the order they ended; while the broker is away they wait here (up to a bound, with a
 * warning for each one dropped beyond it).
 */
final class KeeperFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KeeperFeed.class);
  static final int MAX_WAITING = 100_000;

  private final BrokerConnection broker;
  private final AmqpNames names;
  private final List<String> types;
  private final Deque<JsonObject> waiting = new ArrayDeque<>();
  private boolean sending;

  /** @param types the task types to keep; empty: every type */
  KeeperFeed(BrokerConnection broker, AmqpNames names, List<String> types) {
    this.broker = broker;
    this.names = names;
    this.types = types;
  }

  void onTaskEnded(JsonObject task) {
    String type = task == null ? null : task.getString("task_type");
    if (type == null || (!types.isEmpty() && !types.contains(type))) {
      return;
    }
    if (waiting.size() >= MAX_WAITING) {
      LOG.warn("Keeper queue backlog full ({} waiting for the broker): task {} of type {} is not published to {}",
          MAX_WAITING, task.getString("guid"), type, names.keeperQueue(type));
      return;
    }
    waiting.addLast(task);
    pump();
  }

  /** Declares the configured keeper queues, then sends what waited. */
  io.vertx.core.Future<Void> onConnect() {
    List<io.vertx.core.Future<Void>> declared = types.stream().map(t -> broker.durableQueue(names.keeperQueue(t))).toList();
    return io.vertx.core.Future.all(declared).mapEmpty();
  }

  void pump() {
    if (sending || waiting.isEmpty() || !broker.isUp()) {
      return;
    }
    sending = true;
    JsonObject task = waiting.peekFirst();
    String queue = names.keeperQueue(task.getString("task_type"));
    broker.durableQueue(queue)
        .compose(v -> broker.publish("", queue, Settler.persistentJson(), Buffer.buffer(task.encode())))
        .onComplete(ar -> {
          sending = false;
          if (ar.succeeded()) {
            waiting.pollFirst();
            pump();
          } else {
            // Kept; sent again once the connection is back (pump is called when it is up).
            LOG.debug("Keeper publish to {} failed, kept for later: {}", queue, ar.cause().getMessage());
          }
        });
  }
}
