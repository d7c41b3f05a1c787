package io.tef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits tasks as an AMQP client of the TEF wire protocol does: a persistent message on
 * {@code tef.<env>.manager} with a reply queue; a task counts as accepted when TEF's answer
 * ({@code "response": true}, sent once it is stored) comes back. {@code inFlight} answers are
 * awaited at once.
 */
final class AmqpSubmitter implements AutoCloseable {

  private final Connection connection;
  private final Channel channel;
  private final String managerQueue;
  private final String replyQueue;
  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private Semaphore window;

  AmqpSubmitter(String url, String env) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(url);
    connection = f.newConnection("tef-bench-producer");
    channel = connection.createChannel();
    managerQueue = "tef." + env + ".manager";
    replyQueue = channel.queueDeclare().getQueue();
    DeliverCallback onReply = (tag, d) -> {
      String cid = d.getProperties().getCorrelationId();
      if (cid == null || pending.remove(cid) == null) {
        return;
      }
      JsonObject answer = new JsonObject(new String(d.getBody(), StandardCharsets.UTF_8));
      if (!Boolean.TRUE.equals(answer.getBoolean("response"))) {
        failures.incrementAndGet();
        System.err.println("submit " + cid + " refused: " + answer.encode());
      }
      window.release();
    };
    channel.basicConsume(replyQueue, true, onReply, tag -> { });
  }

  /** Submits {@code count} tasks and returns when every one was answered; submit times are System.nanoTime(). */
  Submitter.Result submit(String taskType, String prefix, int count, int inFlight, long gapMs) throws Exception {
    window = new Semaphore(inFlight);
    failures.set(0);
    Map<String, Long> submittedAt = new HashMap<>();
    for (int i = 0; i < count; i++) {
      window.acquire();
      String guid = prefix + "-" + i;
      String body = new JsonObject().put("type", "task").put("task_type", taskType).put("guid", guid).encode();
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
          .replyTo(replyQueue).correlationId(guid).build();
      submittedAt.put(guid, System.nanoTime());
      pending.put(guid, System.nanoTime());
      synchronized (channel) {
        channel.basicPublish("", managerQueue, props, body.getBytes(StandardCharsets.UTF_8));
      }
      if (gapMs > 0) {
        window.acquire(inFlight); // the answer, then the pause: an idle system for the next one
        window.release(inFlight);
        Thread.sleep(gapMs);
      }
    }
    if (!window.tryAcquire(inFlight, 10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(pending.size() + " submissions never answered");
    }
    return new Submitter.Result(submittedAt, System.nanoTime(), failures.get());
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
