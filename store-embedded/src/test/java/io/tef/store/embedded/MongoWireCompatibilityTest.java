package io.tef.store.embedded;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What MongoDB clients other than TEF's ask of the store (Agenda, mubsub): a listCollections
 * that honours its filter, capped collections that keep insertion order and drop their oldest
 * documents, and an error reply (never a closed connection) for what the store does not do.
 */
@ExtendWith(VertxExtension.class)
class MongoWireCompatibilityTest {

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private MongoClient client;

  @AfterEach
  void close() {
    closeStore();
  }

  @Test
  void listCollectionsAnswersOnlyWhatItsFilterAsksFor(Vertx vertx) throws Exception {
    open(vertx);
    for (String name : List.of("alpha", "beta", "gamma")) {
      await(client.insert(name, new JsonObject().put("x", 1)));
    }
    assertEquals(List.of("beta"), names(listCollections(new JsonObject().put("name", "beta"), false)));
    assertEquals(List.of(), names(listCollections(new JsonObject().put("name", "delta"), false)));
    assertEquals(List.of("alpha", "gamma"), names(listCollections(
        new JsonObject().put("name", new JsonObject().put("$in", new JsonArray().add("alpha").add("gamma"))), false)).stream().sorted().toList());
    JsonArray nameOnly = listCollections(new JsonObject().put("name", "alpha"), true);
    assertEquals(new JsonObject().put("name", "alpha").put("type", "collection"), nameOnly.getJsonObject(0));
    assertEquals(3, listCollections(null, false).size(), "no filter: every collection");
  }

  @Test
  void aCappedCollectionKeepsInsertionOrderAndDropsItsOldest(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "channel").put("capped", true).put("size", 100_000).put("max", 3)));
    // Ids that sort otherwise than they arrive: natural order must be arrival order.
    for (String id : List.of("e", "d", "c", "b", "a")) {
      await(client.insert("channel", new JsonObject().put("_id", id)));
    }
    assertEquals(List.of("c", "b", "a"), ids(await(client.find("channel", new JsonObject()))), "the oldest two dropped");
    JsonObject description = listCollections(new JsonObject().put("name", "channel"), false).getJsonObject(0);
    assertEquals(true, description.getJsonObject("options").getBoolean("capped"), description.encode());
    assertEquals(3, description.getJsonObject("options").getInteger("max"));
    assertEquals(100_096, description.getJsonObject("options").getInteger("size"), "rounded up to 256 bytes, as MongoDB does");
    JsonObject reversed = new JsonObject().put("$natural", -1);
    assertEquals(List.of("a", "b", "c"), ids(await(client.findWithOptions("channel", new JsonObject(), new FindOptions().setSort(reversed)))));
    assertEquals(1, await(client.count("channel", new JsonObject().put("_id", "b"))), "the _id index follows the drops");
    assertEquals(0, await(client.count("channel", new JsonObject().put("_id", "e"))));

    closeStore();
    open(vertx);
    await(client.insert("channel", new JsonObject().put("_id", "z")));
    assertEquals(List.of("b", "a", "z"), ids(await(client.find("channel", new JsonObject()))), "capped and in order after a restart");
  }

  @Test
  void aCappedCollectionHoldsToItsSizeInBytes(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "small").put("capped", true).put("size", 4096)));
    String kilobyte = "x".repeat(1000);
    for (int i = 0; i < 20; i++) {
      await(client.insert("small", new JsonObject().put("_id", i).put("pad", kilobyte)));
    }
    List<JsonObject> left = await(client.find("small", new JsonObject()));
    assertTrue(left.size() >= 3 && left.size() <= 4, left.size() + " documents of about 1 KiB in 4096 bytes");
    assertEquals(19, left.get(left.size() - 1).getInteger("_id"), "the newest kept");
    JsonObject stats = await(client.runCommand("collStats", new JsonObject().put("collStats", "small")));
    assertTrue(stats.getLong("size") <= 4096, stats.encode());
  }

  @Test
  void aBadCappedCreateIsAnErrorAndTheConnectionGoesOn(Vertx vertx) throws Exception {
    open(vertx);
    ExecutionException noSize = assertThrows(ExecutionException.class,
        () -> await(client.runCommand("create", new JsonObject().put("create", "c1").put("capped", true))));
    assertTrue(noSize.getCause().getMessage().contains("size"), noSize.getCause().getMessage());
    ExecutionException badMax = assertThrows(ExecutionException.class,
        () -> await(client.runCommand("create", new JsonObject().put("create", "c2").put("capped", true).put("size", 1000).put("max", "many"))));
    assertTrue(badMax.getCause().getMessage().contains("max"), badMax.getCause().getMessage());
    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> await(client.runCommand("shardCollection", new JsonObject().put("shardCollection", "tef.c3"))));
    assertTrue(unknown.getCause().getMessage().contains("shardCollection"), unknown.getCause().getMessage());
    assertEquals(1.0, await(client.runCommand("ping", new JsonObject().put("ping", 1))).getDouble("ok"), "the same connection answers on");
    assertEquals(List.of(), names(listCollections(null, false)), "nothing was created");
  }

  @Test
  void aTailableCursorStaysOpenAndAnswersWhatArrivesAfter(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "feed").put("capped", true).put("size", 100_000)));
    await(client.insert("feed", new JsonObject().put("_id", "m1").put("topic", "a")));
    await(client.insert("feed", new JsonObject().put("_id", "m2").put("topic", "b")));
    JsonObject cursor = await(client.runCommand("find", new JsonObject().put("find", "feed")
        .put("filter", new JsonObject().put("topic", "a")).put("tailable", true))).getJsonObject("cursor");
    assertEquals(List.of("m1"), ids(cursor.getJsonArray("firstBatch")), "only what the filter matches");
    long id = cursor.getLong("id");
    assertTrue(id != 0, "open though everything was read");
    JsonObject next = getMore(id, null);
    assertEquals(List.of(), ids(next.getJsonArray("nextBatch")));
    assertEquals(id, next.getLong("id"), "still open");
    await(client.insert("feed", new JsonObject().put("_id", "m3").put("topic", "a")));
    await(client.insert("feed", new JsonObject().put("_id", "m4").put("topic", "b")));
    assertEquals(List.of("m3"), ids(getMore(id, null).getJsonArray("nextBatch")), "what arrived since, and matches");

    ExecutionException notCapped = assertThrows(ExecutionException.class, () -> {
      await(client.insert("plain", new JsonObject().put("x", 1)));
      await(client.runCommand("find", new JsonObject().put("find", "plain").put("tailable", true)));
    });
    assertTrue(notCapped.getCause().getMessage().contains("capped"), notCapped.getCause().getMessage());
  }

  @Test
  void anAwaitDataGetMoreWaitsForTheNextInsertOrItsTime(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "waits").put("capped", true).put("size", 100_000)));
    long id = tailAwaiting("waits");
    long start = System.nanoTime();
    JsonObject empty = getMore(id, 400);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of(), ids(empty.getJsonArray("nextBatch")));
    assertTrue(waitedMs >= 350, "waited its maxTimeMS before answering nothing: " + waitedMs + " ms");

    vertx.setTimer(200, t -> client.insert("waits", new JsonObject().put("_id", "late")));
    start = System.nanoTime();
    JsonObject woken = getMore(id, 5000);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(List.of("late"), ids(woken.getJsonArray("nextBatch")));
    assertTrue(tookMs < 3000, "answered when the document came, not at its maxTimeMS: " + tookMs + " ms");
  }

  /**
   * Waiting readers hold no server thread: with more of them waiting than the server has threads
   * (each connection is served by one), a request on another connection is still answered at once.
   */
  @Test
  void waitingReadersHoldNoServerThread(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "many").put("capped", true).put("size", 100_000)));
    int readers = EmbeddedStore.SERVER_THREADS + 8;
    java.util.List<Long> ids = new java.util.ArrayList<>();
    for (int i = 0; i < readers; i++) {
      ids.add(tailAwaiting("many"));
    }
    java.util.List<Future<JsonObject>> waits = ids.stream().map(id -> client.runCommand("getMore",
        new JsonObject().put("getMore", id).put("collection", "many").put("maxTimeMS", 4000))).toList();
    Thread.sleep(500); // the waits are in (their requests parked), not a result awaited
    MongoClient other = MongoClient.createShared(vertx, new JsonObject().put("connection_string", embedded.connectionString())
        .put("db_name", "tef"), "other-pool");
    try {
      long start = System.nanoTime();
      assertEquals(1.0, await(other.runCommand("ping", new JsonObject().put("ping", 1))).getDouble("ok"));
      long pingMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(pingMs < 2000, "a ping beside " + readers + " waiting readers took " + pingMs + " ms");
      assertTrue(waits.stream().noneMatch(Future::isComplete), "the readers were still waiting");
    } finally {
      other.close();
    }
    await(Future.all(waits));
  }

  /**
   * Drivers before MongoDB 3.6's OP_MSG (the Node driver 2.0 under mubsub) send getMore as a
   * command in an OP_QUERY on {@code $cmd}: it waits as well, rather than answering at once and
   * leaving the driver to ask again in a loop.
   */
  @Test
  void aGetMoreSentAsALegacyQueryWaitsToo(Vertx vertx) throws Exception {
    open(vertx);
    await(client.runCommand("create", new JsonObject().put("create", "old").put("capped", true).put("size", 100_000)));
    long id = tailAwaiting("old");
    java.net.URI uri = java.net.URI.create(embedded.connectionString());
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      long start = System.nanoTime();
      de.bwaldvogel.mongo.bson.Document reply = legacyCommand(socket, 1, new de.bwaldvogel.mongo.bson.Document("isMaster", 1));
      assertEquals(1.0, ((Number) reply.get("ok")).doubleValue(), reply.toString());
      start = System.nanoTime();
      reply = legacyCommand(socket, 2, new de.bwaldvogel.mongo.bson.Document("getMore", id).append("collection", "old"));
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(1.0, ((Number) reply.get("ok")).doubleValue(), reply.toString());
      assertTrue(waitedMs >= TailWaits.DEFAULT_WAIT_MS - 100, "waited for data: " + waitedMs + " ms");
    }
  }

  /** An OP_QUERY on tef.$cmd, as drivers before OP_MSG send commands; answers the reply's one document. */
  private static de.bwaldvogel.mongo.bson.Document legacyCommand(java.net.Socket socket, int requestId, de.bwaldvogel.mongo.bson.Document command)
      throws Exception {
    io.netty.buffer.ByteBuf body = io.netty.buffer.Unpooled.buffer();
    body.writeIntLE(0); // flags
    body.writeBytes("tef.$cmd".getBytes(java.nio.charset.StandardCharsets.UTF_8)).writeByte(0);
    body.writeIntLE(0).writeIntLE(-1); // skip, return one
    de.bwaldvogel.mongo.wire.bson.BsonEncoder.encodeDocument(command, body);
    io.netty.buffer.ByteBuf message = io.netty.buffer.Unpooled.buffer();
    message.writeIntLE(16 + body.readableBytes()).writeIntLE(requestId).writeIntLE(0).writeIntLE(2004).writeBytes(body);
    byte[] bytes = new byte[message.readableBytes()];
    message.readBytes(bytes);
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
    byte[] lengthBytes = in.readNBytes(4);
    int length = io.netty.buffer.Unpooled.wrappedBuffer(lengthBytes).readIntLE();
    io.netty.buffer.ByteBuf rest = io.netty.buffer.Unpooled.wrappedBuffer(in.readNBytes(length - 4));
    rest.skipBytes(12 + 4 + 8 + 4 + 4); // header rest, flags, cursor id, starting from, number returned
    return de.bwaldvogel.mongo.wire.bson.BsonDecoder.decodeBson(rest);
  }

  private long tailAwaiting(String collection) throws Exception {
    return await(client.runCommand("find", new JsonObject().put("find", collection).put("tailable", true).put("awaitData", true)))
        .getJsonObject("cursor").getLong("id");
  }

  private JsonObject getMore(long id, Integer maxTimeMs) throws Exception {
    JsonObject command = new JsonObject().put("getMore", id).put("collection", "feed");
    if (maxTimeMs != null) {
      command.put("maxTimeMS", maxTimeMs);
    }
    return await(client.runCommand("getMore", command)).getJsonObject("cursor");
  }

  private static List<String> ids(JsonArray documents) {
    return documents.stream().map(d -> ((JsonObject) d).getString("_id")).toList();
  }

  private JsonArray listCollections(JsonObject filter, boolean nameOnly) throws Exception {
    JsonObject command = new JsonObject().put("listCollections", 1);
    if (filter != null) {
      command.put("filter", filter);
    }
    if (nameOnly) {
      command.put("nameOnly", true);
    }
    return await(client.runCommand("listCollections", command)).getJsonObject("cursor").getJsonArray("firstBatch");
  }

  private static List<String> names(JsonArray collections) {
    return collections.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static List<String> ids(List<JsonObject> documents) {
    return documents.stream().map(d -> d.getString("_id")).toList();
  }

  private void open(Vertx vertx) {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    client = MongoClient.create(vertx, new JsonObject().put("connection_string", embedded.connectionString()).put("db_name", "tef"));
  }

  private void closeStore() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (embedded != null) {
      embedded.close();
      embedded = null;
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
