package io.tef.node;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.Addresses;
import io.tef.protocol.AmqpNames;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's name, instance, task types and queue go into record ids, event-bus addresses and
 * AMQP names: a worker_status (over AMQP or the bus) or a registration naming one the broker or
 * the bus cannot hold is refused, naming the field, before anything is declared or registered.
 */
class WorkerIdentityTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static BlockingQueue<Delivery> deadLetters;
  static AmqpBroker.ReplyQueue replies;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    startNode(dataDir, broker.nodeSettings());
    AmqpBroker.awaitUp(node);
    deadLetters = broker.listen(broker.prefix() + ".dead_letter");
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonObject status(String name) {
    return new JsonObject().put("type", "worker_status").put("name", name).put("worker_type", "idtype")
        .put("exchange_name", broker.prefix() + ".workers." + name).put("status", "idle");
  }

  /** Sent on the manager queue: answered with an error naming the field, dead-lettered with the reason. */
  private static void refusedOverAmqp(JsonObject status, String cid, String field) throws Exception {
    String body = status.encode();
    broker.send(broker.prefix() + ".manager", body, replies.name(), cid);
    JsonObject answer = replies.await(cid);
    assertEquals(field, answer.getString("field"), answer.encode().substring(0, Math.min(300, answer.encode().length())));
    Delivery d = AmqpBroker.next(deadLetters, cid);
    assertEquals(cid, d.getProperties().getCorrelationId());
    assertEquals(body, new String(d.getBody(), StandardCharsets.UTF_8));
    String reason = d.getProperties().getHeaders().get(AmqpNames.REASON_HEADER).toString();
    assertTrue(reason.startsWith(field + ": ") && reason.endsWith("(400)"), reason);
    assertTrue(reason.length() < 400, "the reason quotes a bounded part of the value: " + reason.length());
  }

  @Test
  void aStatusOverAmqpNamingWhatTheBrokerCannotHoldIsDeadLettered() throws Exception {
    refusedOverAmqp(status("id-space").put("worker_type", "a b/c"), "id-1", "worker_type");
    refusedOverAmqp(status("id-list").put("task_types", new JsonArray().add("fine").add("not fine")), "id-2", "task_types");
    refusedOverAmqp(status("n".repeat(100_000)).put("exchange_name", broker.prefix() + ".workers.long"), "id-3", "name");
    refusedOverAmqp(status("id-ctl\u0001"), "id-4", "name");
    refusedOverAmqp(status("id-tab").put("name", "id\ttab"), "id-5", "name");
    refusedOverAmqp(status("id-amq").put("exchange_name", "amq.id-amq"), "id-6", "exchange_name");
    refusedOverAmqp(status("id-qspace").put("exchange_name", "my queue"), "id-7", "exchange_name");
    refusedOverAmqp(status("id-qlong").put("exchange_name", "\u00e9".repeat(150)), "id-8", "exchange_name"); // 300 bytes
    refusedOverAmqp(status("id-inst").put("instance", "i".repeat(201)), "id-9", "instance");

    // Nothing was declared for the refused type.
    Channel probe = broker.connection.createChannel();
    IOException missing = assertThrows(IOException.class, () -> probe.exchangeDeclarePassive(broker.prefix() + ".a b/c.worker_generated_messages"));
    assertTrue(String.valueOf(missing.getCause()).contains("404"), String.valueOf(missing.getCause()));

    // A good status after them is taken, and only it is known.
    String queue = broker.prefix() + ".workers.id-good";
    broker.forget(queue);
    broker.forget(broker.prefix() + ".manager.idtype.results");
    broker.forgetExchange(broker.prefix() + ".idtype.worker_generated_messages");
    broker.send(broker.prefix() + ".manager", status("id-good").encode(), replies.name(), "id-good");
    assertEquals(true, replies.await("id-good").getBoolean("ok"));
    broker.awaitWorkerKnown("id-good");
    JsonObject workers = http.get("/api/workers?id=id-*").bodyAsJsonObject();
    assertEquals(1, workers.getInteger("count"), workers.encode());
  }

  /** The failure an event-bus request ended with: its code and error body. */
  private static ReplyException refusedOnTheBus(String address, JsonObject body) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> TestNodes.await(node.vertx().eventBus().request(address, body)));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  private static void refusedOnTheBus(String address, JsonObject body, String field) {
    ReplyException r = refusedOnTheBus(address, body);
    assertEquals(400, r.failureCode(), r.getMessage());
    JsonObject error = new JsonObject(r.getMessage());
    assertEquals(field, error.getString("field"), error.encode());
    assertTrue(error.getString("error").length() < 300, error.getString("error"));
  }

  @Test
  void aStatusOrRegistrationOnTheBusIsRefusedNamingTheField() {
    JsonObject bad = status("bus-space").put("worker_type", "a b/c");
    refusedOnTheBus(Addresses.COLLECTIVE_STATUS, bad, "worker_type");
    refusedOnTheBus(Addresses.COLLECTIVE_CONTROL, bad, "worker_type");
    refusedOnTheBus(Addresses.COLLECTIVE_STATUS, status("n".repeat(100_000)), "name");
    refusedOnTheBus(Addresses.COLLECTIVE_STATUS, status("bus-amq").put("exchange_name", "amq.x"), "exchange_name");
    refusedOnTheBus(Addresses.COLLECTIVE_STATUS, status("bus-inst").put("instance", "two words"), "instance");

    JsonObject registration = new JsonObject().put("name", "bus-reg").put("instance", "i-1").put("task_types", new JsonArray().add("echo"));
    refusedOnTheBus(Addresses.REGISTRY_REGISTER, registration.copy().put("name", "x".repeat(201)), "name");
    refusedOnTheBus(Addresses.REGISTRY_REGISTER, registration.copy().put("task_types", new JsonArray().add("a b/c")), "task_types");
    refusedOnTheBus(Addresses.REGISTRY_REGISTER, registration.copy().put("worker_type", "a/b"), "worker_type");
  }
}
