package io.tef.core.store.mongo;

import io.tef.core.store.TaskStore;
import io.tef.core.task.Task;
import io.tef.core.task.TaskIds;
import io.tef.core.task.TaskJson;
import io.tef.core.task.TaskQuery;
import io.tef.protocol.task.TaskDefaults;
import io.tef.protocol.task.TaskEnvelope;
import io.tef.store.embedded.EmbeddedStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A store file written when task ids were the guid strings, opened by this TEF: each task rewritten once under its ObjectId, nothing lost. */
@ExtendWith(VertxExtension.class)
class TaskIdMigrationTest {

  @TempDir
  Path dataDir;

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The document an earlier TEF wrote: the guid as a string _id, no guid field. */
  private static JsonObject oldDocument(String guid) {
    Task t = Task.accepted(TaskEnvelope.parse(new JsonObject().put("task_type", "echo").put("task_data", new JsonObject().put("n", guid)),
        TaskDefaults.TEF), guid, Instant.parse("2026-01-01T00:00:00Z"), "old", "d1");
    JsonObject doc = TaskJson.toDocument(t);
    doc.remove(TaskIds.GUID);
    return doc.put("_id", guid);
  }

  @Test
  void oldDocumentsAreRewrittenUnderTheirObjectIdsOnce(Vertx vertx) throws Exception {
    int n = 1234; // more than two chunks
    try (EmbeddedStore embedded = EmbeddedStore.onDisk(dataDir, "127.0.0.1", 0)) {
      MongoClient raw = MongoClient.create(vertx, new JsonObject().put("connection_string", embedded.connectionString()).put("db_name", "tef"));
      for (int i = 0; i < n; i++) {
        await(raw.insert("tasks", oldDocument("old-" + i)));
      }
      // A stop half way through an earlier migration: the copy is stored, the old form not yet removed.
      JsonObject halfDone = oldDocument("old-0").put("_id", TaskIds.documentId("old-0")).put(TaskIds.GUID, "old-0");
      await(raw.insert("tasks", halfDone));
      // An Agenda job: an ObjectId and no guid; it is not an old TEF document and stays as it is.
      await(raw.insert("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", "6750a1b2c3d4e5f601234567")).put("name", "echo")));

      TaskStore store = MongoStores.shared(vertx, embedded.connectionString(), "tef").tasks();
      await(store.start());

      assertEquals(0L, await(raw.count("tasks", new JsonObject().put("_id", new JsonObject().put("$type", "string")))), "no string ids left");
      assertEquals(n + 1L, await(raw.count("tasks", new JsonObject())), "every task once, and the Agenda job");
      for (String guid : List.of("old-0", "old-1", "old-" + (n - 1))) {
        Task found = await(store.find(guid));
        assertNotNull(found, guid);
        assertEquals(guid, found.guid());
        assertEquals(new JsonObject().put("n", guid), found.data());
      }
      assertEquals(1, await(store.list(new TaskQuery(null, null, null, null, "old-1233", null, 10))).size());
      assertNotNull(await(raw.findOne("tasks", new JsonObject().put("_id", new JsonObject().put("$oid", "6750a1b2c3d4e5f601234567")), null)));
      JsonObject marker = await(raw.findOne(TaskIdMigration.META, new JsonObject().put("_id", TaskIdMigration.MARKER_ID), null));
      assertEquals(true, marker.getBoolean("objectIds"));

      // With the marker there, a later start leaves a string id alone (it asks one question, scans nothing).
      await(raw.insert("tasks", oldDocument("late")));
      await(store.start());
      assertNotNull(await(raw.findOne("tasks", new JsonObject().put("_id", "late"), null)));
      assertNull(await(raw.findOne("tasks", new JsonObject().put("_id", TaskIds.documentId("late")), null)));
      await(store.close());
      raw.close();
    }
  }
}
