package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import io.tef.protocol.AmqpNames;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of message the bridge cannot handle ends in tef.<env>.dead_letter with its reason,
 * its sender gets an error answer, and the queue goes on.
 */
class AmqpBadMessageTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static BlockingQueue<Delivery> deadLetters;
  static AmqpBroker.ReplyQueue replies;

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("node.demo_workers", 1);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    broker.forget(broker.prefix() + ".keeper.echo");
    deadLetters = broker.listen(broker.prefix() + ".dead_letter");
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  /** The AMQP door has the REST door's limits: size, depth, duplicate keys, text no store keeps; nothing is stored. */
  @Test
  void messagesBeyondTheLimitsAreDeadLetteredAndNothingIsStored() throws Exception {
    String manager = broker.prefix() + ".manager";
    String big = new JsonObject().put("type", "task").put("task_type", "echo").put("guid", "too-big").put("task_data", "x".repeat(2 * 1024 * 1024)).encode();
    deadLettered(manager, big, "limit-1", "limits.max_bytes");
    String deep = "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"too-deep\",\"task_data\":" + "[".repeat(900) + "]".repeat(900) + "}";
    deadLettered(manager, deep, "limit-2", "depth");
    deadLettered(manager, "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"dup\",\"guid\":\"dup2\"}", "limit-3", "Duplicate field");
    deadLettered(manager, "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"lone\",\"task_data\":\"\\ud800\"}", "limit-4", "lone surrogate");
    deadLettered(manager, "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"a\\r\\nb\"}", "limit-5", "guid");
    for (String guid : new String[] {"too-big", "too-deep", "dup", "dup2", "lone"}) {
      assertEquals(404, http.get("/api/tasks/" + guid).statusCode(), guid);
    }
  }

  /** Sends one bad message; its dead letter carries the body and a reason containing {@code expected}. */
  private static void deadLettered(String queue, String body, String cid, String expected) throws Exception {
    broker.send(queue, body, replies.name(), cid);
    JsonObject answer = replies.await(cid);
    assertTrue(answer.getString("error").contains(expected), answer.encode());
    Delivery d = AmqpBroker.next(deadLetters, cid);
    assertEquals(body, new String(d.getBody(), StandardCharsets.UTF_8));
    AMQP.BasicProperties p = d.getProperties();
    assertEquals(cid, p.getCorrelationId());
    Object reason = p.getHeaders().get(AmqpNames.REASON_HEADER);
    assertNotNull(reason, "no reason header");
    assertTrue(reason.toString().contains(expected), reason.toString());
    assertEquals(queue, p.getHeaders().get(AmqpNames.SOURCE_HEADER).toString());
    assertEquals(2, p.getDeliveryMode(), "persistent");
  }

  @Test
  void eachKindOfBadMessageIsDeadLetteredWithItsReasonAndTheQueueGoesOn() throws Exception {
    String manager = broker.prefix() + ".manager";
    deadLettered(manager, "this is not json", "bad-1", "malformed JSON");
    deadLettered(manager, "[1,2,3]", "bad-2", "not a JSON object");
    deadLettered(manager, "{\"task_type\":\"echo\"}", "bad-3", "no type");
    deadLettered(broker.prefix() + ".dispatcher.control", "{\"type\":\"make_coffee\"}", "bad-4", "unknown type 'make_coffee'");
    deadLettered(manager, "{\"type\":\"task\",\"task_type\":\"echo\",\"priority\":\"high\"}", "bad-5", "whole number");
    deadLettered(manager, "{\"type\":\"task\",\"guid\":\"no-type\"}", "bad-6", "task_type");
    deadLettered(manager, "{\"type\":\"set_state\",\"data\":\"sideways\"}", "bad-7", "sideways");
    deadLettered(manager, "{\"type\":\"worker_status\",\"name\":\"ghost\",\"status\":\"idle\"}", "bad-8", "unknown worker");
    deadLettered(manager, "{\"type\":\"remove_worker\",\"name\":\"nobody\"}", "bad-9", "nobody");

    // The consumer goes on: a good task after all of them is taken and runs.
    broker.send(manager, "{\"type\":\"task\",\"task_type\":\"echo\",\"guid\":\"after-bad\",\"task_data\":1}", replies.name(), "good");
    assertEquals(true, replies.await("good").getBoolean("response"));
    assertEquals("completed", events.await("after-bad").getString("state"));
  }

  /** The TEF Manager README's example, sent as is: refused as malformed JSON, with where the parser stopped. */
  @Test
  void theReadmeEnvelopeIsMalformedJsonAndTheReasonSaysWhere() throws Exception {
    broker.send(broker.prefix() + ".task_queue.control", OriginalTef.README_ENVELOPE, replies.name(), "readme");
    String error = replies.await("readme").getString("error");
    assertTrue(error.startsWith("malformed JSON: Unrecognized token 'number_of_seconds'"), error);
    assertTrue(error.endsWith(OriginalTef.README_ENVELOPE_AT), error);
    Delivery d = AmqpBroker.next(deadLetters, "the README envelope");
    assertEquals(OriginalTef.README_ENVELOPE, new String(d.getBody(), StandardCharsets.UTF_8));
    assertEquals(error, d.getProperties().getHeaders().get(AmqpNames.REASON_HEADER).toString());
  }

  @Test
  void aResultTheBridgeCannotPlaceIsDeadLettered() throws Exception {
    // A worker type's results exchange exists once a worker of that type said its status.
    String queue = broker.prefix() + ".workers.bad-w";
    broker.forget(queue);
    broker.forget(broker.prefix() + ".manager.badtype.results");
    String exchange = broker.prefix() + ".badtype.worker_generated_messages";
    broker.forgetExchange(exchange);
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "worker_status").put("name", "bad-w")
        .put("worker_type", "badtype").put("exchange_name", queue).put("status", "idle").encode(), replies.name(), "ws");
    assertEquals(true, replies.await("ws").getBoolean("ok"));

    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().correlationId("r1").build();
    broker.channel.exchangeDeclare(exchange, "topic", true);
    broker.channel.basicPublish(exchange, "task", props, "{\"guid\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    Delivery d = AmqpBroker.next(deadLetters, "result without attempt");
    assertTrue(d.getProperties().getHeaders().get(AmqpNames.REASON_HEADER).toString().contains("attempt"));

    // A stale result (no such running attempt) is refused by the fence and kept with the reason.
    broker.channel.basicPublish(exchange, "task", props,
        "{\"guid\":\"never-ran\",\"attempt\":3,\"worker\":\"bad-w\",\"result\":1}".getBytes(StandardCharsets.UTF_8));
    d = AmqpBroker.next(deadLetters, "stale result");
    assertTrue(d.getProperties().getHeaders().get(AmqpNames.REASON_HEADER).toString().contains("409"),
        d.getProperties().getHeaders().toString());
  }
}
