package io.tef.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import io.tef.protocol.Addresses;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tef.node.TestNodes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeper queues are bounded (amqp.keeper_queue_max_length: the newest endings stay), a keeper
 * queue TEF declared before without the bound is used as it is (one warning), and both are
 * declared again after the bridge reconnects. The bridge reaches the broker through a proxy
 * that can cut its connection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AmqpKeeperBoundTest extends SharedNodeTest {

  @TempDir
  static Path dataDir;
  static AmqpBroker broker;
  static LossyAmqpProxy proxy;
  static BlockingQueue<Delivery> plainFails;
  static AmqpBroker.ReplyQueue replies;
  static final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    broker = AmqpBroker.require();
    proxy = new LossyAmqpProxy();
    // As TEF (and its Ruby keeper) declared it: durable, no arguments.
    String failQueue = broker.prefix() + ".keeper.fail";
    broker.channel.queueDeclare(failQueue, true, false, false, null);
    plainFails = broker.consume(failQueue);
    Map<String, Object> settings = new HashMap<>(broker.nodeSettings());
    settings.put("amqp.url", proxy.url());
    settings.put("amqp.keeper_queue_max_length", 5);
    settings.put("amqp.keeper_types", java.util.List.of("echo", "fail", "sleep"));
    settings.put("node.demo_workers", 1);
    // Listed types are declared at connect: the warning comes then.
    log.start();
    ((Logger) LoggerFactory.getLogger("io.tef.bridge.KeeperFeed")).addAppender(log);
    startNode(dataDir, settings);
    AmqpBroker.awaitUp(node);
    broker.forget(broker.prefix() + ".keeper.echo");
    replies = broker.replies();
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("io.tef.bridge.KeeperFeed")).detachAppender(log);
    if (proxy != null) {
      proxy.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static JsonObject run(String type, String guid, Object data) throws Exception {
    await(node.vertx().eventBus().request(Addresses.TASKS_SUBMIT,
        new JsonObject().put("task_type", type).put("guid", guid).put("task_data", data).put("max_attempts", 1)));
    return events.await(guid);
  }

  /** Endings are published one at a time in order: once this one is on its queue, all before it are on theirs. */
  private static void allPublishedBefore(String sentinel, BlockingQueue<Delivery> sentinels) throws Exception {
    run("sleep", sentinel, new JsonObject().put("ms", 1));
    assertEquals(sentinel, AmqpBroker.json(AmqpBroker.next(sentinels, "sentinel " + sentinel)).getString("guid"));
  }

  private static List<String> drain(String queue) throws Exception {
    List<String> guids = new ArrayList<>();
    for (GetResponse r = broker.channel.basicGet(queue, true); r != null; r = broker.channel.basicGet(queue, true)) {
      guids.add(new JsonObject(new String(r.getBody(), java.nio.charset.StandardCharsets.UTF_8)).getString("guid"));
    }
    return guids;
  }

  private static long warningsAbout(String queue) {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(queue + " ")).count();
  }

  /** The bridge still consumes its input (the channel a refused declaration closed was not its consumers'). */
  private static void inputStillConsumed(String guid) throws Exception {
    broker.send(broker.prefix() + ".manager", new JsonObject().put("type", "task").put("task_type", "echo").put("guid", guid).encode(),
        replies.name(), guid);
    assertEquals(true, replies.await(guid).getBoolean("response"));
    events.await(guid);
  }

  static BlockingQueue<Delivery> sentinels;

  @Test
  @Order(1)
  void aFullKeeperQueueKeepsItsNewestEndings() throws Exception {
    sentinels = broker.listen(broker.prefix() + ".keeper.sleep", AmqpBroker.keeperArguments(5));
    for (int i = 0; i < 20; i++) {
      run("echo", "bound-" + i, i);
    }
    allPublishedBefore("sentinel-1", sentinels);
    String echoQueue = broker.prefix() + ".keeper.echo";
    assertEquals(5, broker.channel.queueDeclarePassive(echoQueue).getMessageCount());
    assertEquals(List.of("bound-15", "bound-16", "bound-17", "bound-18", "bound-19"), drain(echoQueue));
    assertEquals(0, warningsAbout(echoQueue));
  }

  @Test
  @Order(2)
  void aKeeperQueueDeclaredBeforeWithoutTheBoundIsUsedAsItIs() throws Exception {
    run("fail", "plain-1", "no");
    assertEquals("plain-1", AmqpBroker.json(AmqpBroker.next(plainFails, "ending on the queue TEF declared")).getString("guid"));
    run("fail", "plain-2", "no");
    assertEquals("plain-2", AmqpBroker.json(AmqpBroker.next(plainFails, "second ending")).getString("guid"));
    assertEquals(1, warningsAbout(broker.prefix() + ".keeper.fail"), "one warning naming the queue: " + log.list);
    inputStillConsumed("plain-input");
  }

  @Test
  @Order(3)
  void afterAReconnectEachKeeperQueueIsDeclaredAgain() throws Exception {
    var cut = proxy.arm("reconnect-fail", LossyAmqpProxy.Fault.LOST_ON_THE_WIRE);
    run("fail", "reconnect-fail", "no");
    cut.get(15, TimeUnit.SECONDS);
    // Its publish was lost with the connection: kept, and sent once the bridge had declared everything again.
    assertEquals("reconnect-fail", AmqpBroker.json(AmqpBroker.next(plainFails, "ending after the reconnect")).getString("guid"));
    assertEquals(1, warningsAbout(broker.prefix() + ".keeper.fail"), "still one warning: " + log.list);

    for (int i = 0; i < 7; i++) {
      run("echo", "again-" + i, i);
    }
    allPublishedBefore("sentinel-2", sentinels);
    assertEquals(List.of("again-2", "again-3", "again-4", "again-5", "again-6"), drain(broker.prefix() + ".keeper.echo"));
    inputStillConsumed("reconnect-input");
  }
}
