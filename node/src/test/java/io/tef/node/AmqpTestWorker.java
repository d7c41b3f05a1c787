package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TEF worker as a non-Java-TEF program would write it: only the RabbitMQ client. It says
 * worker_status (with its worker_type and exchange_name) on the manager queue every 200 ms, takes
 * tasks from its own queue one at a time, and publishes each result to its type's
 * worker_generated_messages exchange with routing key "task". task_data "fail" fails the task;
 * {"sleep_ms": N} makes it take N ms.
 */
final class AmqpTestWorker implements AutoCloseable {

  final String name;
  final String queue;
  final String workerType;
  final AtomicInteger taken = new AtomicInteger();
  /** guid -> times this worker ran it. */
  final ConcurrentHashMap<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  /** guid#attempt this worker ran: a redelivered task it already ran is not run again (its ack was lost with the connection). */
  final java.util.Set<String> ran = ConcurrentHashMap.newKeySet();
  final AtomicInteger redeliveriesSkipped = new AtomicInteger();
  /** Task messages that came marked {@code "resent": true} (the bridge sent again a dispatch it never saw confirmed). */
  final AtomicInteger resentSeen = new AtomicInteger();
  /** guid to the task message as it last arrived. */
  final ConcurrentHashMap<String, JsonObject> received = new ConcurrentHashMap<>();
  /** guid#attempt to the result this worker published for it. */
  private final ConcurrentHashMap<String, JsonObject> results = new ConcurrentHashMap<>();
  private final String prefix;
  private final Connection connection;
  private final Channel channel;
  private final Channel statusChannel;
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<String> status = new AtomicReference<>("idle");

  AmqpTestWorker(String url, String prefix, String name, String workerType) throws Exception {
    this.prefix = prefix;
    this.name = name;
    this.workerType = workerType;
    this.queue = prefix + ".workers." + name;
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(url);
    f.setAutomaticRecoveryEnabled(true);
    f.setNetworkRecoveryInterval(500);
    connection = f.newConnection("worker-" + name);
    channel = connection.createChannel();
    statusChannel = connection.createChannel();
    channel.queueDeclare(queue, true, false, false, null);
    channel.exchangeDeclare(resultsExchange(), "topic", true);
    channel.basicQos(1);
    channel.confirmSelect();
    channel.basicConsume(queue, false, (tag, d) -> {
      try {
        take(d);
      } catch (Exception e) {
        // A consumer that throws gets its channel closed by the client, and a channel the client
        // closed is not recovered: the worker would stop taking tasks. Back on the queue instead
        // (a dead connection puts it back by itself); the redelivery publishes the result again.
        try {
          channel.basicNack(d.getEnvelope().getDeliveryTag(), false, true);
        } catch (Exception ignored) {
          // the connection is gone: the broker requeues unacknowledged deliveries itself
        }
      }
    }, tag -> { });
    heartbeat.scheduleAtFixedRate(this::sayStatus, 0, 200, TimeUnit.MILLISECONDS);
  }

  private void take(com.rabbitmq.client.Delivery d) throws java.io.IOException {
    {
      JsonObject task = new JsonObject(new String(d.getBody(), StandardCharsets.UTF_8));
      if ("task".equals(task.getString("type"))) {
        String key = task.getString("guid") + "#" + task.getInteger("attempt");
        received.put(task.getString("guid"), task);
        if (task.getBoolean("resent", false)) {
          resentSeen.incrementAndGet();
        }
        if (ran.add(key)) {
          results.put(key, run(task));
        } else {
          redeliveriesSkipped.incrementAndGet();
        }
        // Published again for a redelivery: the first copy may have died with the connection.
        publish(results.get(key));
      }
      channel.basicAck(d.getEnvelope().getDeliveryTag(), false);
    }
  }

  String resultsExchange() {
    return prefix + "." + workerType + ".worker_generated_messages";
  }

  /** Confirmed, so a result the broker never took is not acknowledged away with its task. */
  private void publish(JsonObject result) throws java.io.IOException {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    channel.basicPublish(resultsExchange(), "task", props, result.encode().getBytes(StandardCharsets.UTF_8));
    try {
      // Not waitForConfirmsOrDie: it closes the channel on a nack or a timeout, for good.
      if (!channel.waitForConfirms(10_000)) {
        throw new java.io.IOException("result refused by the broker");
      }
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new java.io.IOException("result not confirmed", e);
    }
    status.set("idle");
  }

  private JsonObject run(JsonObject task) {
    taken.incrementAndGet();
    runs.computeIfAbsent(task.getString("guid"), g -> new AtomicInteger()).incrementAndGet();
    status.set("working");
    JsonObject result = new JsonObject().put("guid", task.getString("guid")).put("attempt", task.getInteger("attempt"))
        .put("attempt_token", task.getString("attempt_token")).put("worker", name);
    if (task.getValue("task_data") instanceof JsonObject data && data.getLong("sleep_ms") != null) {
      try {
        Thread.sleep(data.getLong("sleep_ms")); // a task that takes a while
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if ("fail".equals(task.getValue("task_data"))) {
      result.put("error", "asked to fail");
    } else {
      result.put("result", new JsonObject().put("echo", task.getValue("task_data")).put("by", name));
    }
    return result;
  }

  private void sayStatus() {
    try {
      JsonObject s = new JsonObject().put("type", "worker_status").put("name", name).put("worker_type", workerType)
          .put("exchange_name", queue).put("status", status.get());
      synchronized (statusChannel) {
        statusChannel.basicPublish("", prefix + ".manager", null, s.encode().getBytes(StandardCharsets.UTF_8));
      }
    } catch (Exception e) {
      // The broker may be restarting; the next beat tries again.
    }
  }

  @Override
  public void close() throws Exception {
    heartbeat.shutdownNow();
    heartbeat.awaitTermination(5, TimeUnit.SECONDS);
    try {
      channel.queueDelete(queue);
    } catch (Exception ignored) {
      // already gone, or the connection did not survive a broker restart: the class's cleanup deletes it
    }
    connection.abort();
  }
}
