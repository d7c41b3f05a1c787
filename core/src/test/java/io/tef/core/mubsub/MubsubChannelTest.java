package io.tef.core.mubsub;

import io.tef.store.embedded.EmbeddedStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A mubsub channel on the embedded store: capped, in order, from now on, across clients. */
@ExtendWith(VertxExtension.class)
class MubsubChannelTest {

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private MongoClient one;
  private MongoClient other;

  @BeforeEach
  void open(Vertx vertx) {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    JsonObject config = new JsonObject().put("connection_string", embedded.connectionString()).put("db_name", "tef");
    one = MongoClient.createShared(vertx, config, "one");
    other = MongoClient.createShared(vertx, config, "other");
  }

  @AfterEach
  void close() {
    one.close();
    other.close();
    embedded.close();
  }

  @Test
  void aSubscriberHearsWhatAnotherClientPublishesFromNowOnInOrder(Vertx vertx) throws Exception {
    MubsubChannel publisher = await(MubsubChannel.open(vertx, other, "chan", 100_000));
    await(publisher.publish("early", new JsonObject().put("n", -1)));
    MubsubChannel subscriber = await(MubsubChannel.open(vertx, one, "chan", 100_000));
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    await(subscriber.subscribe((event, message) -> heard.add(event + ":" + message.getInteger("n"))));
    for (int n = 0; n < 3; n++) {
      await(publisher.publish("hello", new JsonObject().put("n", n)));
    }
    for (String expected : List.of("hello:0", "hello:1", "hello:2")) {
      assertEquals(expected, heard.poll(10, TimeUnit.SECONDS), "in order, and nothing from before the subscription");
    }
    // Published while the subscriber's getMore waits on the server: it wakes and hears it.
    Thread.sleep(1500);
    await(publisher.publish("late", new JsonObject().put("n", 9)));
    assertEquals("late:9", heard.poll(5, TimeUnit.SECONDS));
    subscriber.close();
    JsonObject options = await(one.runCommand("listCollections", new JsonObject().put("listCollections", 1)
        .put("filter", new JsonObject().put("name", "chan")))).getJsonObject("cursor").getJsonArray("firstBatch").getJsonObject(0)
        .getJsonObject("options");
    assertEquals(true, options.getBoolean("capped"), options.encode());
    // ObjectId ids, as npm's mubsub writes and tails them ($gt matches ids of its own type only).
    long all = await(one.count("chan", new JsonObject()));
    assertEquals(all, await(one.count("chan", new JsonObject().put("_id", new JsonObject().put("$type", 7)))), "every id an ObjectId");
    Thread.sleep(1200);
    await(publisher.publish("after-close", new JsonObject().put("n", 0)));
    assertNull(heard.poll(2, TimeUnit.SECONDS), "a closed channel hears nothing more");
  }

  @Test
  void aMessageOfAnotherProcessWithASmallerIdInTheSameSecondIsHeard(Vertx vertx) throws Exception {
    MubsubChannel subscriber = await(MubsubChannel.open(vertx, one, "same-second", 100_000));
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    await(subscriber.subscribe((event, message) -> heard.add(event)));
    await(subscriber.publish("ours", new JsonObject())); // the newest id it has read: its second, then 0xFF bytes
    assertEquals("ours", heard.poll(10, TimeUnit.SECONDS));
    // Another process's ObjectId of that second: its random middle bytes sort lower, yet it comes later.
    Object id = await(one.find("same-second", new JsonObject().put("event", "ours"))).get(0).getValue("_id");
    String ours = id instanceof JsonObject o ? o.getString("$oid") : String.valueOf(id);
    byte[] theirs = new org.bson.types.ObjectId(ours).toByteArray();
    java.util.Arrays.fill(theirs, 4, 12, (byte) 0x01);
    await(other.insert("same-second", new JsonObject().put("_id", new JsonObject().put("$oid", new org.bson.types.ObjectId(theirs).toHexString()))
        .put("event", "theirs").put("message", new JsonObject())));
    assertEquals("theirs", heard.poll(10, TimeUnit.SECONDS), "heard, though its id is smaller than the last one read");
    await(subscriber.publish("next", new JsonObject()));
    assertEquals("next", heard.poll(10, TimeUnit.SECONDS), "and nothing twice");
    subscriber.close();
  }

  @Test
  void openingAnExistingChannelKeepsIt(Vertx vertx) throws Exception {
    MubsubChannel first = await(MubsubChannel.open(vertx, one, "kept", 100_000));
    await(first.publish("x", new JsonObject()));
    MubsubChannel again = await(MubsubChannel.open(vertx, other, "kept", 100_000));
    assertEquals("kept", again.name());
    assertEquals(1L, await(one.count("kept", new JsonObject())), "not dropped nor recreated");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
