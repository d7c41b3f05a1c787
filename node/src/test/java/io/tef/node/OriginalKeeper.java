package io.tef.node;

import com.rabbitmq.client.Channel;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assertions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * tef-keeper on the wire: declares {@code tef.<env>.keeper.<type>} durable with no arguments,
 * consumes it with manual acks, parses each message as JSON, hands the task to its callback (here:
 * kept by guid, in arrival order) and acks it. Its callbacks read a worker's output as
 * {@code task[:task_data][:results]}: {@link #results} reads it the same way.
 */
final class OriginalKeeper {

  private final Map<String, CompletableFuture<JsonObject>> byGuid = new ConcurrentHashMap<>();
  private final List<String> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());

  static OriginalKeeper start(AmqpBroker broker, String taskType) throws Exception {
    String queue = broker.prefix() + ".keeper." + taskType;
    Channel channel = broker.connection.createChannel();
    OriginalTef.declareKeeperQueue(channel, queue);
    broker.forget(queue);
    OriginalKeeper keeper = new OriginalKeeper();
    channel.basicConsume(queue, false, (tag, d) -> {
      JsonObject task = new JsonObject(new String(d.getBody(), StandardCharsets.UTF_8));
      keeper.arrivals.add(task.getString("guid"));
      keeper.byGuid.computeIfAbsent(task.getString("guid"), g -> new CompletableFuture<>()).complete(task);
      channel.basicAck(d.getEnvelope().getDeliveryTag(), false);
    }, tag -> { });
    return keeper;
  }

  /** The task its keeper got for this guid (15 s at most). */
  JsonObject await(String guid) throws Exception {
    try {
      return byGuid.computeIfAbsent(guid, g -> new CompletableFuture<>()).get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return Assertions.fail("the keeper got nothing for " + guid + " within 15 s; it got " + arrivals);
    }
  }

  /** The guids in the order they arrived. */
  List<String> arrivals() {
    synchronized (arrivals) {
      return List.copyOf(arrivals);
    }
  }

  /** {@code task[:task_data][:results]}: fails as Ruby would when task_data is not a hash. */
  static Object results(JsonObject task) {
    Object data = task.getValue("task_data");
    Assertions.assertInstanceOf(JsonObject.class, data, "task_data is not a hash: the original keeper cannot read results from " + task.encode());
    JsonObject hash = (JsonObject) data;
    Assertions.assertTrue(hash.containsKey("results"), "no task_data.results in " + task.encode());
    return hash.getValue("results");
  }
}
