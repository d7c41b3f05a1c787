package io.tef.node;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEF's own Ruby worker (tef-worker's BaseWorker on bunny) as it speaks on the wire, and nothing
 * more. Its worker_status is {@code {"type", "worker_type", "name", "status", "exchange_name"}}:
 * no instance, no task, no interval. It sends one when it starts (idle) and then every status
 * interval (tef-worker's default is 20 s; a test passes a shorter one), re-sending the current
 * status. Each message from its queue, one at a time, unacknowledged until done (no prefetch
 * limit): status working; the message is run as a task; the message itself is published back
 * with {@code task_data.results} set ({@code {stdout, stderr, status}} of {@code sh -c command},
 * or {@code "ERROR: <why>"}) to the results exchange, routing key {@code task}; status
 * task_complete; status idle; the ack. It knows no abandon: a message without {@code task_data}
 * fails as TEF's does, ":task must include a :task_data key", and is published like any result.
 */
final class OriginalTefWorker implements AutoCloseable {

  /** tef-worker's default status_interval: a worker_status every 20 s. */
  static final long TEF_STATUS_INTERVAL_MS = 20_000;

  final String name;
  final String queue;
  final String workerType;
  /** Every message that came on its queue, in order. */
  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  /** worker_status messages sent. */
  final AtomicInteger statusesSent = new AtomicInteger();
  /** Results published. */
  final AtomicInteger published = new AtomicInteger();
  private final String prefix;
  private final boolean diesOnTask;
  private final Connection connection;
  private final Channel channel;
  private final Channel statusChannel;
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
  private final CountDownLatch dead = new CountDownLatch(1);
  private volatile String status = "idle";

  /**
   * @param diesOnTask the process dies (kill -9) as soon as it said working on a task: its
   *                   connection drops, its heartbeats stop, the task stays unacknowledged
   */
  OriginalTefWorker(String url, String prefix, String name, String workerType, long statusIntervalMs, boolean diesOnTask) throws Exception {
    this.prefix = prefix;
    this.name = name;
    this.workerType = workerType;
    this.diesOnTask = diesOnTask;
    this.queue = prefix + ".worker." + name;
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(url);
    connection = f.newConnection("tef-worker-" + name);
    channel = connection.createChannel();
    statusChannel = connection.createChannel();
    channel.queueDeclare(queue, true, false, false, null);
    channel.exchangeDeclare(resultsExchange(), "topic", true);
    channel.basicConsume(queue, false, (tag, d) -> onMessage(new String(d.getBody(), StandardCharsets.UTF_8), d.getEnvelope().getDeliveryTag()),
        tag -> { });
    sayStatus("idle");
    heartbeat.scheduleAtFixedRate(() -> sayStatus(status), statusIntervalMs, statusIntervalMs, TimeUnit.MILLISECONDS);
  }

  String resultsExchange() {
    return prefix + "." + workerType + ".worker_generated_messages";
  }

  private void onMessage(String payload, long tag) throws java.io.IOException {
    JsonObject task = new JsonObject(payload);
    received.add(task.copy());
    sayStatus("working");
    if (diesOnTask) {
      die();
      return;
    }
    JsonObject data = task.getValue("task_data") instanceof JsonObject o ? o : null;
    Object results;
    if (!task.containsKey("task_data")) {
      task.put("task_data", new JsonObject());
      results = "ERROR: :task must include a :task_data key";
    } else if (data == null) {
      task.put("task_data", new JsonObject());
      results = "ERROR: :task_data must be a Hash of task data.";
    } else {
      results = run(data);
    }
    task.getJsonObject("task_data").put("results", results);
    channel.basicPublish(resultsExchange(), "task", null, task.encode().getBytes(StandardCharsets.UTF_8));
    published.incrementAndGet();
    sayStatus("task_complete");
    sayStatus("idle");
    channel.basicAck(tag, false);
  }

  /** TaskRunner's executor: the command through the shell, its output and exit status. */
  private static Object run(JsonObject data) {
    if (!(data.getValue("command") instanceof String command)) {
      return "ERROR: :task_data must include a :command key";
    }
    try {
      File out = File.createTempFile("tef-worker", ".out");
      File err = File.createTempFile("tef-worker", ".err");
      Process p = new ProcessBuilder("sh", "-c", command).redirectOutput(out).redirectError(err).start();
      int exit = p.waitFor();
      JsonObject r = new JsonObject().put("stdout", java.nio.file.Files.readString(out.toPath()))
          .put("stderr", java.nio.file.Files.readString(err.toPath())).put("status", "pid " + p.pid() + " exit " + exit);
      out.delete();
      err.delete();
      return r;
    } catch (Exception e) {
      return "ERROR: " + e.getMessage();
    }
  }

  private void sayStatus(String s) {
    status = s;
    JsonObject msg = new JsonObject().put("type", "worker_status").put("worker_type", workerType).put("name", name)
        .put("status", s).put("exchange_name", queue);
    try {
      synchronized (statusChannel) {
        statusChannel.basicPublish("", prefix + ".manager", null, msg.encode().getBytes(StandardCharsets.UTF_8));
      }
      statusesSent.incrementAndGet();
    } catch (Exception e) {
      // gone (it died), or the broker is away: the next beat tries again
    }
  }

  /** As kill -9: no more heartbeats, the connection drops, what it held goes back to its queue. */
  void die() {
    heartbeat.shutdownNow();
    new Thread(() -> {
      connection.abort();
      dead.countDown();
    }).start();
  }

  boolean isDead() {
    return dead.getCount() == 0;
  }

  @Override
  public void close() throws Exception {
    heartbeat.shutdownNow();
    heartbeat.awaitTermination(5, TimeUnit.SECONDS);
    connection.abort();
  }
}
