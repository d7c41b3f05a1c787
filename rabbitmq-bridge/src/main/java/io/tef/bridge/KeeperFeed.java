package io.tef.bridge;

import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.tef.core.config.TefConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * TEF's keepers: every task that ends (from {@code tef.events.tasks}) is published, persistent
 * and confirmed, to {@code tef.<env>.keeper.<task_type>}. One at a time in the order they
 * ended; while the broker is away they wait here (up to a bound, with a warning for each one
 * dropped beyond it). The queues of {@code amqp.keeper_types} are declared at connect (keeping
 * the newest {@code amqp.keeper_queue_max_length} endings when set), so they hold endings
 * before their keeper first starts; with no types listed nothing is declared and an ending
 * reaches the queue of its type only if a keeper declared it, so a type nobody keeps fills no
 * queue. Only endings in {@code amqp.keeper_states} are published, each as {@link KeeperMessage}
 * shapes it. With {@code amqp.keepers: false} nothing is published or declared.
 */
final class KeeperFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KeeperFeed.class);
  static final int MAX_WAITING = 100_000;
  private static final long RETRY_MS = 1000;

  private final Vertx vertx;
  private final BrokerConnection broker;
  private final AmqpNames names;
  private final boolean enabled;
  private final List<String> types;
  private final List<String> states;
  private final int maxLength;
  private final JsonObject arguments;
  private final Deque<JsonObject> waiting = new ArrayDeque<>();
  /** Queues found with other arguments: told once per bridge, not once per connection. */
  private final Set<String> warned = new HashSet<>();
  private boolean sending;

  KeeperFeed(Vertx vertx, BrokerConnection broker, AmqpNames names, TefConfig.Amqp amqp) {
    this.vertx = vertx;
    this.broker = broker;
    this.names = names;
    this.enabled = amqp.keepers();
    this.types = amqp.keeperTypes();
    this.states = amqp.keeperStates();
    this.maxLength = amqp.keeperQueueMaxLength();
    // drop-head: a full queue loses its oldest ending, so a keeper that comes back finds the newest.
    this.arguments = maxLength > 0 ? new JsonObject().put("x-max-length", maxLength).put("x-overflow", "drop-head") : new JsonObject();
  }

  /** Listens for endings, unless keepers are off. */
  Future<Void> start() {
    if (!enabled) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS_TASKS, m -> onTaskEnded(m.body())).completion();
  }

  void onTaskEnded(JsonObject task) {
    String type = task == null ? null : task.getString("task_type");
    if (!enabled || type == null || (!types.isEmpty() && !types.contains(type)) || !states.contains(task.getString("state"))) {
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
  Future<Void> onConnect() {
    if (!enabled) {
      return Future.succeededFuture();
    }
    return Future.all(types.stream().map(t -> declare(names.keeperQueue(t))).toList()).mapEmpty();
  }

  void pump() {
    if (sending || waiting.isEmpty() || !broker.isUp()) {
      return;
    }
    sending = true;
    JsonObject task = waiting.peekFirst();
    String queue = names.keeperQueue(task.getString("task_type"));
    Future<Void> declared = types.isEmpty() ? Future.succeededFuture() : declare(queue);
    declared
        .compose(v -> broker.publish("", queue, Settler.persistentJson(), Buffer.buffer(KeeperMessage.of(task).encode())))
        .onComplete(ar -> {
          sending = false;
          if (ar.succeeded()) {
            waiting.pollFirst();
            pump();
          } else {
            // Kept; sent again once the connection is back (pump is called when it is up), or shortly if it still is.
            LOG.debug("Keeper publish to {} failed, kept for later: {}", queue, ar.cause().getMessage());
            vertx.setTimer(RETRY_MS, id -> pump());
          }
        });
  }

  /** An upgrade must not stop at a queue declared before (by TEF, or another bound): it is used as it is. */
  private Future<Void> declare(String queue) {
    return broker.durableQueue(queue, arguments).map(asAsked -> {
      if (!asAsked && warned.add(queue)) {
        LOG.warn("Keeper queue {} exists on the broker with other arguments than amqp.keeper_queue_max_length={} asks ({}): "
            + "it is used as it is, without that bound; delete it (and what it holds) or bound it with a broker policy",
            queue, maxLength, maxLength > 0 ? "x-max-length " + maxLength + ", x-overflow drop-head" : "none");
      }
      return null;
    });
  }
}
