package io.tef.node.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.AmqpNames;
import io.tef.core.tasker.TaskerResponse;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * A tasker endpoint on the plain RabbitMQ client (its own threads, never an event loop). Its
 * durable queue {@code tasker.<type>.<endpoint>} is bound to the fanout exchange
 * {@code tasker.<type>}; for each task it answers CREATED, does its work (the built-in echoes the
 * payload back, or answers errnr/errmsg when asked to fail) and answers FINISHED, both to the
 * queue the task names as {@code responses_to}, then acknowledges the task. A task redelivered
 * after a crash is answered again; the bridge stores one response per task and endpoint.
 */
public final class TaskerEndpoint implements AutoCloseable {

  /** tasker's one error code ("General error"). */
  public static final int GENERAL_ERROR = 1;
  private static final long CONFIRM_TIMEOUT_MS = 10_000;

  private final Connection connection;
  private final String name;
  private final String type;
  private final boolean fail;
  private final PrintWriter out;
  private Channel channel;

  public TaskerEndpoint(Connection connection, String name, String type, boolean fail, PrintWriter out) {
    this.connection = connection;
    this.name = name;
    this.type = type;
    this.fail = fail;
    this.out = out;
  }

  public String queue() {
    return AmqpNames.taskerEndpointQueue(type, name);
  }

  /** Declares the exchange (as the bridge does: durable fanout) and the endpoint's queue, and consumes. */
  public TaskerEndpoint start() throws IOException {
    channel = connection.createChannel();
    String exchange = AmqpNames.taskerExchange(type);
    channel.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null);
    channel.queueDeclare(queue(), true, false, false, null);
    channel.queueBind(queue(), exchange, "");
    channel.basicQos(1);
    channel.confirmSelect();
    channel.basicConsume(queue(), false, (tag, d) -> handle(d), tag -> say("endpoint " + name + ": consumer cancelled"));
    say("endpoint " + name + " waits for " + type + " tasks on " + queue() + " (bound to " + exchange + ")");
    return this;
  }

  private void handle(Delivery d) throws IOException {
    String text = new String(d.getBody(), StandardCharsets.UTF_8);
    say("endpoint " + name + " received: " + text);
    JsonObject task;
    try {
      task = new JsonObject(text);
    } catch (RuntimeException e) {
      task = null;
    }
    String to = task == null ? null : task.getString("responses_to", d.getProperties().getReplyTo());
    if (task == null || !(task.getValue("id") instanceof String id) || to == null) {
      say("endpoint " + name + ": not a tasker task (no id or responses_to); dropped");
      channel.basicReject(d.getEnvelope().getDeliveryTag(), false);
      return;
    }
    try {
      answer(to, new TaskerResponse(id, name, TaskerResponse.CREATED, 0, null, null));
      TaskerResponse finished = fail
          ? new TaskerResponse(id, name, TaskerResponse.FINISHED, GENERAL_ERROR, "General error: asked to fail", null)
          : new TaskerResponse(id, name, TaskerResponse.FINISHED, 0, null, task.getValue("payload"));
      answer(to, finished);
      channel.basicAck(d.getEnvelope().getDeliveryTag(), false);
    } catch (TimeoutException | InterruptedException e) {
      // Unconfirmed: the task goes back to the queue and is answered again.
      channel.basicNack(d.getEnvelope().getDeliveryTag(), false, true);
    }
  }

  private void answer(String queue, TaskerResponse response) throws IOException, TimeoutException, InterruptedException {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
    channel.basicPublish("", queue, props, response.toJson().encode().getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
    say("endpoint " + name + " answered " + response.status() + " for " + response.taskId()
        + (response.errnr() != 0 ? " (errnr " + response.errnr() + ": " + response.errmsg() + ")" : ""));
  }

  /** What it receives and answers, on its output at once (a console shows it as it happens). */
  private void say(String line) {
    out.println(line);
    out.flush();
  }

  @Override
  public void close() throws Exception {
    if (channel != null && channel.isOpen()) {
      channel.close();
    }
  }
}
