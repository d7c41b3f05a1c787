package io.tef.store.embedded;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import io.vertx.junit5.VertxExtension;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store file keeps documents, ids and unique indexes across restarts, and reads the older format. */
@ExtendWith(VertxExtension.class)
class StoreFileFormatTest {

  @TempDir
  Path dataDir;
  private EmbeddedStore embedded;
  private MongoClient client;

  @AfterEach
  void close() {
    closeStore();
  }

  @Test
  void documentsIdsAndUniqueIndexesOutliveARestart(Vertx vertx) throws Exception {
    open(vertx);
    await(client.createIndexWithOptions("things", new JsonObject().put("k", 1), new IndexOptions().unique(true)));
    await(client.insert("things", new JsonObject().put("_id", "a").put("k", 1).put("n", 0)));
    JsonObject objectId = new JsonObject().put("$oid", "5f1d7a3e9b1e8a2c4d6f8a10");
    await(client.insert("things", new JsonObject().put("_id", objectId).put("k", 2).put("list", new JsonArray().add(1).add("x"))));
    await(client.updateCollection("things", new JsonObject().put("_id", "a"), new JsonObject().put("$set", new JsonObject().put("n", 5))));
    closeStore();

    open(vertx);
    assertEquals(5, await(client.findOne("things", new JsonObject().put("_id", "a"), null)).getInteger("n"));
    JsonObject other = await(client.findOne("things", new JsonObject().put("_id", objectId), null));
    assertEquals(new JsonArray().add(1).add("x"), other.getJsonArray("list"));
    assertDuplicate(client.insert("things", new JsonObject().put("_id", "a").put("k", 9)));
    assertDuplicate(client.insert("things", new JsonObject().put("_id", "b").put("k", 1)));
    assertDuplicate(client.insert("things", new JsonObject().put("_id", objectId.copy()).put("k", 8)));
    assertEquals(2L, await(client.count("things", new JsonObject())));
  }

  /**
   * The data size is the bytes the collection holds, counted as documents are written, replaced
   * and removed (not measured by encoding each again): after a document grew, another came and the
   * first went, it is the size of the second alone, as a collection holding only that one says, and
   * it survives a restart. Fails if a replace or a removal is not counted, or counted wrong.
   */
  @Test
  void theDataSizeFollowsInsertsReplacesAndRemovals(Vertx vertx) throws Exception {
    open(vertx);
    JsonObject b = new JsonObject().put("_id", "b").put("text", "x".repeat(300));
    await(client.insert("alone", b.copy()));
    long alone = size("alone");
    assertTrue(alone > 300, "size " + alone);
    await(client.insert("things", new JsonObject().put("_id", "a").put("n", 1)));
    await(client.replaceDocuments("things", new JsonObject().put("_id", "a"), new JsonObject().put("_id", "a").put("text", "y".repeat(1000))));
    assertTrue(size("things") > 1000);
    await(client.insert("things", b.copy()));
    await(client.removeDocument("things", new JsonObject().put("_id", "a")));
    assertEquals(alone, size("things"));
    closeStore();
    open(vertx);
    assertEquals(alone, size("things"));
  }

  private long size(String collection) throws Exception {
    return ((Number) await(client.runCommand("collStats", new JsonObject().put("collStats", collection))).getValue("size")).longValue();
  }

  @Test
  void aFileOfTheOlderFormatIsConvertedOnceAndKeptAsItWas(Vertx vertx) throws Exception {
    Path file = dataDir.resolve(EmbeddedStore.FILE_NAME);
    MongoServer older = new MongoServer(new H2Backend(file.toString()));
    var address = older.bind();
    MongoClient olderClient = MongoClient.create(vertx, config("mongodb://127.0.0.1:" + address.getPort()));
    await(olderClient.createIndexWithOptions("things", new JsonObject().put("k", 1), new IndexOptions().unique(true)));
    for (int i = 0; i < 50; i++) {
      await(olderClient.insert("things", new JsonObject().put("_id", "t" + i).put("k", i).put("nested", new JsonObject().put("i", i))));
    }
    olderClient.close();
    older.shutdown();

    open(vertx);
    assertTrue(Files.exists(dataDir.resolve(EmbeddedStore.FILE_NAME + StoreFileFormat.LEGACY_SUFFIX)));
    assertEquals(50L, await(client.count("things", new JsonObject())));
    assertEquals(7, await(client.findOne("things", new JsonObject().put("_id", "t7"), null)).getJsonObject("nested").getInteger("i"));
    assertDuplicate(client.insert("things", new JsonObject().put("_id", "t3")));
    assertDuplicate(client.insert("things", new JsonObject().put("_id", "new").put("k", 3)));
    await(client.insert("things", new JsonObject().put("_id", "new").put("k", 50)));
    closeStore();

    MVStore converted = new MVStore.Builder().fileName(file.toString()).readOnly().open();
    try {
      assertTrue(converted.hasMap(StoreFileFormat.FORMAT_MAP));
    } finally {
      converted.close();
    }
    open(vertx);
    assertEquals(51L, await(client.count("things", new JsonObject())));
  }

  @Test
  void aDroppedCollectionStartsEmptyAndStaysUsable(Vertx vertx) throws Exception {
    open(vertx);
    await(client.insert("gone", new JsonObject().put("_id", "x").put("v", 1)));
    await(client.dropCollection("gone"));
    await(client.insert("gone", new JsonObject().put("_id", "x").put("v", 2)));
    closeStore();

    open(vertx);
    assertEquals(1L, await(client.count("gone", new JsonObject())));
    assertEquals(2, await(client.findOne("gone", new JsonObject().put("_id", "x"), null)).getInteger("v"));
    assertDuplicate(client.insert("gone", new JsonObject().put("_id", "x")));
  }

  @Test
  void concurrentUpdatesOfTheSameDocumentsAreAllKept(Vertx vertx) throws Exception {
    open(vertx);
    int documents = 10;
    int increments = 100;
    for (int d = 0; d < documents; d++) {
      await(client.insert("counters", new JsonObject().put("_id", "c" + d).put("n", 0)));
    }
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < increments; i++) {
      for (int d = 0; d < documents; d++) {
        all.add(client.updateCollectionWithOptions("counters", new JsonObject().put("_id", "c" + d),
            new JsonObject().put("$inc", new JsonObject().put("n", 1)), new UpdateOptions()));
      }
    }
    await(Future.all(all));
    closeStore();

    open(vertx);
    for (int d = 0; d < documents; d++) {
      assertEquals(increments, await(client.findOne("counters", new JsonObject().put("_id", "c" + d), null)).getInteger("n"));
    }
  }

  private void open(Vertx vertx) {
    embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0);
    client = MongoClient.create(vertx, config(embedded.connectionString()));
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

  private static JsonObject config(String connectionString) {
    return new JsonObject().put("connection_string", connectionString).put("db_name", "t");
  }

  private static void assertDuplicate(Future<?> insert) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(insert));
    assertTrue(e.getCause().getMessage().contains("duplicate key"), e.getCause().getMessage());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
