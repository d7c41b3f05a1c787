package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.Delivery;
import io.tef.core.NodeInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The test broker (127.0.0.1:5672, guest/guest) through the plain RabbitMQ Java client. Each test
 * class gets its own AMQP env, so its names never meet another's; its queues are deleted after.
 * Under CI=true a missing broker fails the test; elsewhere the test is skipped.
 */
final class AmqpBroker implements AutoCloseable {

  static final String URL = "amqp://guest:guest@127.0.0.1:5672";

  final String env = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  Connection connection;
  final Channel channel;
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();

  private AmqpBroker(Connection connection) throws Exception {
    this.connection = connection;
    this.channel = connection.createChannel();
  }

  static AmqpBroker require() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(URL);
    f.setConnectionTimeout(3000);
    try {
      return new AmqpBroker(f.newConnection("tef-test"));
    } catch (Exception e) {
      String why = "needs RabbitMQ on 127.0.0.1:5672 (rabbitmq-server -detached): " + e;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
      throw e;
    }
  }

  /** Overrides for a node whose bridge uses this broker and this class's names. */
  Map<String, Object> nodeSettings() {
    return Map.of("amqp.url", URL, "amqp.env", env);
  }

  String prefix() {
    return "tef." + env;
  }

  /** A queue of our own that the test reads (deleted after the class). */
  BlockingQueue<Delivery> listen(String queue) throws Exception {
    return listen(queue, null);
  }

  /** The same, declared with these arguments (a keeper queue's bound: {@link #keeperArguments}). */
  BlockingQueue<Delivery> listen(String queue, Map<String, Object> arguments) throws Exception {
    channel.queueDeclare(queue, true, false, false, arguments);
    return consume(queue);
  }

  /** Reads a queue that exists already, as it is (deleted after the class). */
  BlockingQueue<Delivery> consume(String queue) throws Exception {
    forget(queue);
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    DeliverCallback cb = (tag, d) -> got.add(d);
    channel.basicConsume(queue, true, cb, tag -> { });
    return got;
  }

  /** The arguments the bridge declares a keeper queue with for {@code amqp.keeper_queue_max_length}. */
  static Map<String, Object> keeperArguments(int maxLength) {
    return Map.of("x-max-length", maxLength, "x-overflow", "drop-head");
  }

  /** An exclusive reply queue, as a TEF client makes one for reply_to. */
  ReplyQueue replies() throws Exception {
    Channel ch = connection.createChannel();
    String q = ch.queueDeclare().getQueue();
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    ch.basicConsume(q, true, (tag, d) -> got.add(d), tag -> { });
    return new ReplyQueue(q, got);
  }

  record ReplyQueue(String name, BlockingQueue<Delivery> deliveries) {

    /** The next answer, with the correlation id it must carry. */
    JsonObject await(String correlationId) throws Exception {
      Delivery d = deliveries.poll(15, TimeUnit.SECONDS);
      Assertions.assertNotNull(d, "no answer on " + name + " within 15 s");
      Assertions.assertEquals(correlationId, d.getProperties().getCorrelationId());
      return new JsonObject(new String(d.getBody(), StandardCharsets.UTF_8));
    }
  }

  /** Asks get_workers over AMQP until the collective lists the worker (it registers from its first status). */
  void awaitWorkerKnown(String name) throws Exception {
    AmqpBroker.ReplyQueue replies = replies();
    Polling.until("worker " + name + " registers", java.time.Duration.ofSeconds(15), () -> {
      String cid = "gw-" + System.nanoTime();
      send(prefix() + ".manager", "{\"type\":\"get_workers\"}", replies.name(), cid);
      return replies.await(cid).getJsonArray("response");
    }, list -> list.stream().anyMatch(w -> name.equals(((JsonObject) w).getString("name"))));
  }

  void send(String queue, String body, String replyTo, String correlationId) throws Exception {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
        .replyTo(replyTo).correlationId(correlationId).deliveryMode(2).build();
    channel.basicPublish("", queue, props, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes to an exchange, as anyone holding a broker account can. */
  void publish(String exchange, String routingKey, String body) throws Exception {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    channel.basicPublish(exchange, routingKey, props, body.getBytes(StandardCharsets.UTF_8));
  }

  void forget(String queue) {
    queues.add(queue);
  }

  void forgetExchange(String exchange) {
    exchanges.add(exchange);
  }

  static Delivery next(BlockingQueue<Delivery> q, String what) throws Exception {
    Delivery d = q.poll(15, TimeUnit.SECONDS);
    Assertions.assertNotNull(d, what + ": nothing within 15 s");
    return d;
  }

  static JsonObject json(Delivery d) {
    return new JsonObject(new String(d.getBody(), StandardCharsets.UTF_8));
  }

  /** Waits (up to 20 s) for the node's bridge to say it is connected. */
  static void awaitUp(TefNode node) throws Exception {
    Polling.until("the bridge connects", java.time.Duration.ofSeconds(20),
        () -> "up".equals(node.vertx().sharedData().getLocalMap(NodeInfo.MAP).get(NodeInfo.AMQP_STATE)));
  }

  /** Deletes the class's queues and exchanges: the bridge's fixed ones and those the test named. */
  @Override
  public void close() throws Exception {
    List<String> all = new ArrayList<>(queues);
    for (String s : List.of("manager", "task_queue.control", "dispatcher.control", "worker.control", "dead_letter")) {
      all.add(prefix() + "." + s);
    }
    // A test that restarted the broker may have left this connection closed (not yet recovered):
    // clean up over a fresh one, waiting a little for the broker to take connections again.
    com.rabbitmq.client.Connection cleaner = connection;
    if (!connection.isOpen()) {
      connection.abort();
      ConnectionFactory f = new ConnectionFactory();
      f.setUri(URL);
      f.setConnectionTimeout(3000);
      // The broker may still be starting: connection refusals are retried, not failures.
      cleaner = org.awaitility.Awaitility.await("a cleanup connection").atMost(java.time.Duration.ofSeconds(20))
          .pollInterval(java.time.Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> f.newConnection("tef-test-cleanup"), c -> c != null);
    }
    connection = cleaner;
    Channel ch = connection.createChannel();
    for (String q : all) {
      try {
        ch.queueDelete(q);
      } catch (Exception e) {
        ch = connection.createChannel();
      }
    }
    for (String x : exchanges) {
      try {
        ch.exchangeDelete(x);
      } catch (Exception e) {
        ch = connection.createChannel();
      }
    }
    connection.abort();
  }
}
