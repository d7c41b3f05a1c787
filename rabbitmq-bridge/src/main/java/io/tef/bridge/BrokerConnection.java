package io.tef.bridge;

import com.rabbitmq.client.AMQP;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The bridge's link to the broker: two connections (one consumes and acknowledges, one publishes
 * with confirms, so a publisher waiting for its confirm never holds up acks), and a third that
 * declares queues and exchanges: the broker closes the channel of a declaration it refuses (a
 * queue that exists with other properties), which on the first would end every consumer. Runs
 * on the verticle's context. It connects in the background, retries with a doubling backoff, watches
 * the connections, and after any loss starts over with fresh clients and calls
 * {@code onConnect} again, so queues, exchanges and consumers are declared anew each time.
 */
final class BrokerConnection {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);
  private static final long FIRST_RETRY_MS = 500;
  private static final long WATCH_MS = 250;
  private static final long CONFIRM_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final BrokerAddress address;
  private final long reconnectMaxMs;
  private final String name;
  private final io.tef.core.metrics.AmqpMetrics metrics;
  private boolean wasUp;
  private Function<BrokerConnection, Future<Void>> onConnect = c -> Future.succeededFuture();
  private final List<Handler<Boolean>> stateHandlers = new ArrayList<>();

  private RabbitMQClient in;
  private RabbitMQClient out;
  /** Declares: a refused declaration closes its channel, never the consumers'. */
  private RabbitMQClient declarer;
  /** The tail of the declarations in flight: they run one after another. */
  private Future<Void> declarations = Future.succeededFuture();
  /** Counts connections; a delivery, a declaration or a retry of an older one is stale. */
  private int generation;
  private boolean up;
  private boolean stopped;
  private long retryMs = FIRST_RETRY_MS;
  private long watchTimer = -1;
  private final Set<String> declared = new HashSet<>();
  /** Queues declared with arguments on this connection: whether they have the arguments asked for. */
  private final Map<String, Boolean> shaped = new HashMap<>();
  private String lastError = "not connected yet";

  BrokerConnection(Vertx vertx, BrokerAddress address, long reconnectMaxMs, String name) {
    this.vertx = vertx;
    this.address = address;
    this.reconnectMaxMs = reconnectMaxMs;
    this.name = name;
    this.metrics = io.tef.core.metrics.NodeMetrics.of(vertx).amqp();
    onState(up -> {
      if (up && wasUp) {
        metrics.reconnected();
      }
      wasUp |= up;
      metrics.connected(up);
    });
  }

  /** Declares the topology and consumers; called on every (re)connection before it counts as up. */
  void onConnect(Function<BrokerConnection, Future<Void>> onConnect) {
    this.onConnect = onConnect;
  }

  /** Told true when the connection is up (topology declared), false when it is lost. */
  void onState(Handler<Boolean> handler) {
    stateHandlers.add(handler);
  }

  boolean isUp() {
    return up;
  }

  /** Whether the publishing connection is open right now (the periodic watch may not have noticed a loss yet). */
  boolean publisherConnected() {
    return up && out != null && out.isConnected();
  }

  String lastError() {
    return lastError;
  }

  int generation() {
    return generation;
  }

  void start() {
    watchTimer = vertx.setPeriodic(WATCH_MS, id -> watch());
    connect();
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(watchTimer);
    setUp(false);
    generation++;
    return closeClients();
  }

  private void connect() {
    if (stopped) {
      return;
    }
    int gen = ++generation;
    declared.clear();
    shaped.clear();
    RabbitMQClient newIn = RabbitMQClient.create(vertx, address.options(name + "-in"));
    RabbitMQClient newOut = RabbitMQClient.create(vertx, address.options(name + "-out"));
    RabbitMQClient newDeclarer = RabbitMQClient.create(vertx, address.options(name + "-declare"));
    in = newIn;
    out = newOut;
    declarer = newDeclarer;
    newIn.start()
        .compose(v -> newOut.start())
        .compose(v -> newDeclarer.start())
        .compose(v -> newOut.confirmSelect())
        .compose(v -> gen == generation ? onConnect.apply(this) : Future.failedFuture("superseded"))
        .onSuccess(v -> {
          if (gen != generation || stopped) {
            return;
          }
          retryMs = FIRST_RETRY_MS;
          LOG.info("AMQP bridge connected to {}", address);
          setUp(true);
        })
        .onFailure(err -> {
          if (gen != generation || stopped) {
            return;
          }
          lastError = describe(err);
          LOG.warn("AMQP bridge cannot reach {} ({}); next attempt in {} ms", address, lastError, retryMs);
          lost();
        });
  }

  /** The clients' connections close without telling anyone; a poll of a flag is cheap. */
  private void watch() {
    if (up && (in == null || out == null || declarer == null || !in.isConnected() || !out.isConnected() || !declarer.isConnected())) {
      lastError = "connection lost";
      LOG.warn("AMQP bridge lost its connection to {}; reconnecting", address);
      lost();
    }
  }

  private void lost() {
    setUp(false);
    int gen = ++generation;
    closeClients();
    long delay = retryMs;
    retryMs = Math.min(retryMs * 2, reconnectMaxMs);
    vertx.setTimer(delay, id -> {
      if (gen == generation) {
        connect();
      }
    });
  }

  private Future<Void> closeClients() {
    List<Future<Void>> closing = new ArrayList<>();
    for (RabbitMQClient c : new RabbitMQClient[] {in, out, declarer}) {
      if (c != null) {
        closing.add(c.stop().otherwiseEmpty());
      }
    }
    in = null;
    out = null;
    declarer = null;
    return Future.join(closing).mapEmpty();
  }

  private void setUp(boolean now) {
    if (up != now) {
      up = now;
      stateHandlers.forEach(h -> h.handle(now));
    }
  }

  // ---- what the bridge does with it; all fail at once while the connection is down ----

  /** A durable queue, declared once per connection. */
  Future<Void> durableQueue(String queue) {
    if (declared.contains("q:" + queue)) {
      return Future.succeededFuture();
    }
    return declaring(c -> c.queueDeclare(queue, true, false, false)).map(ok -> {
      declared.add("q:" + queue);
      return null;
    });
  }

  /**
   * A durable queue with arguments, declared once per connection. One that exists with other
   * arguments is refused (406, and the broker closes the channel): it is then used as it is,
   * through a passive declare on a fresh channel. Completes with whether it has the arguments.
   */
  Future<Boolean> durableQueue(String queue, JsonObject arguments) {
    Boolean known = shaped.get(queue);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    int gen = generation;
    return declaring(c -> c.queueDeclare(queue, true, false, false, arguments).map(ok -> true)
            .recover(err -> inequivalent(err) ? c.messageCount(queue).map(n -> false) : Future.failedFuture(err)))
        .onSuccess(asAsked -> {
          if (gen == generation) {
            shaped.put(queue, asAsked);
          }
        });
  }

  /**
   * Runs declarations one at a time: a refused one (406, 404) makes the broker close the channel,
   * which would fail every other declaration in flight on it with the same error.
   */
  private <T> Future<T> declaring(java.util.function.Function<RabbitMQClient, Future<T>> step) {
    Future<T> next = declarations.transform(ignored -> current(declarer).compose(step));
    declarations = next.mapEmpty();
    return next;
  }

  private static boolean inequivalent(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("PRECONDITION_FAILED")) {
        return true;
      }
    }
    return false;
  }

  /** A durable topic exchange with a durable queue bound to it for {@code routingKey}, once per connection. */
  Future<Void> boundQueue(String exchange, String queue, String routingKey) {
    String key = "b:" + exchange + ">" + queue;
    if (declared.contains(key)) {
      return Future.succeededFuture();
    }
    return declaring(c -> c.exchangeDeclare(exchange, "topic", true, false)
            .compose(v -> c.queueDeclare(queue, true, false, false))
            .compose(ok -> c.queueBind(queue, exchange, routingKey)))
        .map(v -> {
          declared.add(key);
          return null;
        });
  }

  /** A durable fanout exchange, declared once per connection (tasker's, one per task type). */
  Future<Void> fanoutExchange(String exchange) {
    String key = "x:" + exchange;
    if (declared.contains(key)) {
      return Future.succeededFuture();
    }
    return declaring(c -> c.exchangeDeclare(exchange, "fanout", true, false)).map(v -> {
      declared.add(key);
      return null;
    });
  }

  Future<Void> prefetch(int count) {
    return current(in).compose(c -> c.basicQos(count));
  }

  /** Consumes with manual acks. The handler is set in the consumer's own completion: set later, the client drops deliveries. */
  Future<Void> consume(String queue, int maxBuffered, Handler<Delivery> handler) {
    int gen = generation;
    return current(in).compose(c -> c.basicConsumer(queue, new QueueOptions().setAutoAck(false).setMaxInternalQueueSize(maxBuffered)))
        .onSuccess(consumer -> consumer.handler(m -> handler.handle(new Delivery(gen, queue, m))))
        .mapEmpty();
  }

  /**
   * Publishes and completes once the broker confirmed it (a persistent message to a durable queue
   * is on disk). Fails with {@link UnconfirmedPublish} when the message was sent but the
   * connection died (or the wait ran out) before the broker said yes or no: it may be on its queue.
   */
  Future<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, Buffer body) {
    String target = (exchange.isEmpty() ? "" : exchange + "/") + routingKey;
    return current(out).compose(c -> {
      if (!c.isConnected()) {
        return Future.failedFuture("not connected to the broker: the connection to " + address + " is closing");
      }
      return c.basicPublish(exchange, routingKey, props, body).transform(sent -> sent.succeeded()
          ? confirmOf(c).recover(err -> Future.failedFuture(refusedByBroker(err) ? err : new UnconfirmedPublish(target, err)))
          // Even a publish that failed may have reached the broker (seen: the bytes left, then the
          // client said "already closed"): only a connection found closed before it is surely not sent.
          : Future.failedFuture(new UnconfirmedPublish(target, sent.cause())));
    }).onComplete(ar -> metrics.published(ar.succeeded() ? "confirmed" : ar.cause() instanceof UnconfirmedPublish ? "unconfirmed" : "refused"));
  }

  /** The client throws (rather than fails) when the connection closed meanwhile: both are a failed wait. */
  private static Future<Void> confirmOf(RabbitMQClient c) {
    try {
      return c.waitForConfirms(CONFIRM_TIMEOUT_MS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Only a nack is the broker's no (the client then says "nacks received"); a shutdown, a
   * timeout or any other failure after the write leaves the message's fate unknown.
   */
  private static boolean refusedByBroker(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("nacks received")) {
        return true;
      }
    }
    return false;
  }

  /** Acknowledges a delivery; one from an older connection is redelivered by the broker anyway. */
  Future<Void> ack(Delivery d) {
    if (d.connection() != generation || in == null) {
      return Future.succeededFuture();
    }
    return in.basicAck(d.tag(), false);
  }

  /** Gives a delivery back to its queue. */
  Future<Void> requeue(Delivery d) {
    if (d.connection() != generation || in == null) {
      return Future.succeededFuture();
    }
    return in.basicNack(d.tag(), false, true);
  }

  /** The client of the current connection while it is being set up or up. */
  private Future<RabbitMQClient> current(RabbitMQClient c) {
    if (c == null || stopped) {
      return Future.failedFuture("not connected to the broker: " + lastError);
    }
    return Future.succeededFuture(c);
  }

  private static String describe(Throwable err) {
    Throwable t = err;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
